//! The playbooks of seed 002 §5 as data: one step list per incident kind (EMG-1, EMG-2).
//! A `warning` step is shown in red on the checklist (never force the doors; no switches or
//! phones at a gas leak).

use crate::domain::i18n::Text;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    // EMG-2 playbooks (seed 002 §5 2.4).
    /// 浸水
    Flooding,
    /// 电梯故障/困人
    Elevator,
    /// 急症病人
    Illness,
    /// 醉酒滋事、精神病人
    DrunkOrMental,
    /// 漏电/触电
    ElectricLeak,
    /// 漏气
    GasLeak,
    /// 不执行规定不听劝阻
    RefusingRules,
    // EMG-1 emergency assembly (seed 002 §5 1.1).
    /// 抢劫、袭击
    Robbery,
    /// 火灾
    Fire,
    /// 水灾、台风、暴雨
    Storm,
    /// 地震
    Earthquake,
    /// 聚众闹事、打架斗殴
    Riot,
    /// 紧急集合演练
    Drill,
}

impl IncidentKind {
    pub const ALL: [IncidentKind; 13] = [
        IncidentKind::GasLeak,
        IncidentKind::Fire,
        IncidentKind::Flooding,
        IncidentKind::Elevator,
        IncidentKind::Illness,
        IncidentKind::ElectricLeak,
        IncidentKind::DrunkOrMental,
        IncidentKind::RefusingRules,
        IncidentKind::Robbery,
        IncidentKind::Riot,
        IncidentKind::Storm,
        IncidentKind::Earthquake,
        IncidentKind::Drill,
    ];
    pub fn label(self) -> Text {
        match self {
            IncidentKind::Flooding => Text::new("浸水", "Flooding"),
            IncidentKind::Elevator => Text::new("电梯故障/困人", "Elevator failure / entrapment"),
            IncidentKind::Illness => Text::new("急症病人", "Sudden illness"),
            IncidentKind::DrunkOrMental => {
                Text::new("醉酒/精神病人", "Drunk or mentally ill person")
            }
            IncidentKind::ElectricLeak => Text::new("漏电/触电", "Electric leak / shock"),
            IncidentKind::GasLeak => Text::new("漏气", "Gas leak"),
            IncidentKind::RefusingRules => Text::new("不听劝阻", "Someone refusing rules"),
            IncidentKind::Robbery => Text::new("抢劫/袭击", "Robbery / assault"),
            IncidentKind::Fire => Text::new("火灾", "Fire"),
            IncidentKind::Storm => Text::new("水灾/台风/暴雨", "Flood / typhoon / storm"),
            IncidentKind::Earthquake => Text::new("地震", "Earthquake"),
            IncidentKind::Riot => Text::new("聚众闹事/斗殴", "Riot / fight"),
            IncidentKind::Drill => Text::new("紧急集合演练", "Assembly drill"),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Flooding => "flooding",
            IncidentKind::Elevator => "elevator",
            IncidentKind::Illness => "illness",
            IncidentKind::DrunkOrMental => "drunk",
            IncidentKind::ElectricLeak => "electric",
            IncidentKind::GasLeak => "gas",
            IncidentKind::RefusingRules => "refusing",
            IncidentKind::Robbery => "robbery",
            IncidentKind::Fire => "fire",
            IncidentKind::Storm => "storm",
            IncidentKind::Earthquake => "earthquake",
            IncidentKind::Riot => "riot",
            IncidentKind::Drill => "drill",
        }
    }
    /// EMG-1: the kinds that call the emergency assembly.
    pub fn is_assembly(self) -> bool {
        matches!(
            self,
            IncidentKind::Robbery
                | IncidentKind::Fire
                | IncidentKind::Storm
                | IncidentKind::Earthquake
                | IncidentKind::Riot
                | IncidentKind::Drill
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub zh: &'static str,
    pub en: &'static str,
    /// A "never do" step, shown in red.
    pub warning: bool,
}

const fn s(zh: &'static str, en: &'static str) -> Step {
    Step {
        zh,
        en,
        warning: false,
    }
}

const fn w(zh: &'static str, en: &'static str) -> Step {
    Step {
        zh,
        en,
        warning: true,
    }
}

/// EMG-1 紧急集合 (seed 002 §5 1.2).
const ASSEMBLY: [Step; 4] = [
    s(
        "立即向领导汇报，先用对讲机通知值班人员",
        "Report to the leader at once; tell the person on duty by radio first",
    ),
    s(
        "以对讲机、手机保持联系",
        "Keep in contact by radio and phone",
    ),
    s(
        "在岗人员坚守岗位，听候调遣",
        "Staff at their posts stay there and await orders",
    ),
    s(
        "全体护管员按规定时限到指定地点集合，按分工各行其职",
        "Everyone assembles at the set place within the set time and takes their assigned role",
    ),
];

const FLOODING: [Step; 4] = [
    s(
        "立即抵达现场，查找出水来源",
        "Go to the scene at once and find where the water comes from",
    ),
    s(
        "关闭有关水阀；下水道堵塞的立即疏通",
        "Close the water valves; clear a blocked drain",
    ),
    w(
        "附近电掣如有浸水，立即切断电源，防止漏电伤人",
        "If switches nearby are wet, cut the power first: water and electricity injure",
    ),
    s(
        "情况复杂：对讲机呼叫工程部，报告班长、主管",
        "If complicated: radio engineering, report to the team leader and supervisor",
    ),
];

const ELEVATOR: [Step; 4] = [
    s(
        "查看轿厢内是否有人被困",
        "Check whether anyone is trapped in the car",
    ),
    s(
        "用对讲系统安慰被困人员，稳定其情绪",
        "Talk to them over the intercom and keep them calm",
    ),
    s(
        "立即通知工程部前来处理，维护好现场秩序",
        "Call engineering at once; keep order at the scene",
    ),
    w(
        "切忌用硬物强行撬开轿厢门救人",
        "Never force the car doors open with tools",
    ),
];

const ILLNESS: [Step; 4] = [
    s("主动上前帮助和护理，尽可能通知其家人或单位", "Help and care for the person; tell their family or employer if possible"),
    s("晕倒者平卧、松解衣扣、移至阴凉通风处；骨折者止血；肚痛者扶坐、给温开水", "Fainted: lay flat, loosen clothes, move to shade; fracture: stop bleeding; stomach pain: sit down, warm water"),
    s("病情危急：立即报告上级，通知邻岗值班员、班长协助急救", "If critical: report at once, call the next post and team leader to help"),
    s("拨打120或组织人员送医院急救", "Call 120 or take the person to hospital"),
];

const DRUNK: [Step; 3] = [
    s(
        "对失去自控者及时采取控制和临场监督，防止伤人伤己",
        "Restrain and watch a person out of control so nobody gets hurt",
    ),
    s("通知其家属派人领回", "Call the family to take them home"),
    s(
        "危害公共秩序的，报主管后送公安部门处理",
        "If they endanger public order, report to the supervisor and hand over to the police",
    ),
];

const ELECTRIC: [Step; 5] = [
    s("关闭有关电源；附近无开关的报告上级或通知工程部", "Switch the power off; with no switch nearby, report or call engineering"),
    s("漏电严重的封锁现场", "If serious, seal off the area"),
    w("有人触电：严禁用手直接救护；通知配电室切断电源，用绝缘物分离触电者", "Someone shocked: never touch them with bare hands; have the power cut, separate them with something insulating"),
    s("救下后视情况做人工呼吸、心脏按压或拨打120", "Once free: rescue breathing, chest compressions or call 120"),
    s("引发火灾的，按火警程序处理", "If it caused a fire, follow the fire procedure"),
];

const GAS: [Step; 6] = [
    s("迅速查明漏气的地点和原因", "Find where the gas leaks and why"),
    w("严禁开关电源、使用打火机；现场不得使用电话、对讲机、电筒", "No switches, no lighters; no phones, radios or torches at the scene"),
    s("关闭煤气管道或液化气瓶开关，打开门窗通风；用湿毛巾捂住口鼻", "Close the gas valve or cylinder, open doors and windows; cover nose and mouth with a wet towel"),
    s("判明不了或漏气严重：撤到安全地带后向上级和燃气公司报告", "If unclear or severe: get to a safe place, then report to the leader and the gas company"),
    s("按上级指令关闭邻近电闸、气闸，疏散人员", "On orders, shut nearby power and gas mains and evacuate people"),
    s("有人中毒：立即转移，送医院或拨打120", "Anyone poisoned: move them out at once, to hospital or call 120"),
];

const REFUSING: [Step; 4] = [
    s("保持冷静，避免争吵；纠正前先敬礼", "Stay calm, don't argue; salute before correcting"),
    s("准确指出错误，告诉正确做法，以理服人", "Say exactly what is wrong and what is right; persuade with reason"),
    s("对方改正后说谢谢配合", "When they comply, thank them"),
    s("蛮横无理者查清姓名或单位，如实记录并通知班长；有殴打行为的报告主管，情节严重报警", "If abusive: get name or employer, record it, call the team leader; violence goes to the supervisor and police"),
];

/// The step list of a kind. Assembly kinds start with their own first call, then the
/// emergency assembly steps.
pub fn playbook(kind: IncidentKind) -> Vec<Step> {
    let first: &[Step] = match kind {
        IncidentKind::Flooding => return FLOODING.to_vec(),
        IncidentKind::Elevator => return ELEVATOR.to_vec(),
        IncidentKind::Illness => return ILLNESS.to_vec(),
        IncidentKind::DrunkOrMental => return DRUNK.to_vec(),
        IncidentKind::ElectricLeak => return ELECTRIC.to_vec(),
        IncidentKind::GasLeak => return GAS.to_vec(),
        IncidentKind::RefusingRules => return REFUSING.to_vec(),
        IncidentKind::Fire => &[s("拨打119报警，疏散人员", "Call 119 and evacuate people")],
        IncidentKind::Robbery | IncidentKind::Riot => &[s(
            "拨打110报警，保护好现场",
            "Call 110 and protect the scene",
        )],
        IncidentKind::Storm => &[s(
            "检查排水、门窗和高处物品，准备沙袋",
            "Check drains, windows and loose objects; ready the sandbags",
        )],
        IncidentKind::Earthquake => &[s(
            "组织人员撤离到空旷地带",
            "Evacuate people to open ground",
        )],
        IncidentKind::Drill => &[s(
            "宣布演练开始，记录集合用时",
            "Announce the drill and time the assembly",
        )],
    };
    first.iter().chain(ASSEMBLY.iter()).copied().collect()
}
