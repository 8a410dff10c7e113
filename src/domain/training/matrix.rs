//! 客服部崗位培訓表 (seed 001 §3, NO.ZB-KF-P01) as data (TRAIN-1): for each role, the documents
//! and procedures it must learn. The seed lists 27 items against five posts (经理, 客务主管, 内务主管,
//! 客务助理, 前台接待员兼文秘); the app's roles (SOP §0) map them: 经理 → Director, both 主管 →
//! Supervisor, 客务助理 → Assistant, 前台 → Receptionist. The departments' staff learn what their
//! work touches (repairs, in-home services, the snow plan, cleaning, greening). The Director
//! edits the matrix with events ([`super::set_item`]); an estate that never edited it uses this
//! default, and every edit is laid over it ([`effective`]).

use super::super::i18n::Text;
use super::super::roles::Role;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where a procedure lives in the app: the screen a matrix item or a lesson step opens. The UI
/// maps each to its page (a screen another module has not built yet shows no link).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Screen {
    /// 投诉 list (CMP)
    Complaints,
    /// 投诉登记 (CMP-2)
    RegisterComplaint,
    /// 回访 (CB)
    Callbacks,
    /// 求助 (HELP)
    Help,
    /// 今日巡查 (PAT)
    Patrol,
    /// 巡查发现 (PAT-4/5, cleaning and greening checks)
    Findings,
    /// 值班记录 (DUTY)
    Duty,
    /// 交接班 (DUTY-6)
    Handover,
    /// 突发事件 playbooks (EMG)
    Emergency,
    /// 住户档案 (registry)
    Households,
    /// 员工 (org chart: the staff list by role and department)
    Staff,
    /// 设置 (quality targets, clocks)
    Settings,
}

/// 文件 (a document to read) or 程序 (a procedure to practise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Document,
    Procedure,
}

impl ItemKind {
    pub fn label(self) -> Text {
        match self {
            ItemKind::Document => Text::new("文件", "Document"),
            ItemKind::Procedure => Text::new("程序", "Procedure"),
        }
    }
}

/// One row of the matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixItem {
    /// Stable key ("complaints"); records name items by it.
    pub key: String,
    /// 序号: the order on the form.
    pub no: u32,
    pub title: Text,
    pub kind: ItemKind,
    /// Who must learn it.
    pub roles: BTreeSet<Role>,
    /// The app's screen where the procedure lives, if any.
    pub screen: Option<Screen>,
}

impl MatrixItem {
    pub fn applies_to(&self, roles: &BTreeSet<Role>) -> bool {
        self.roles.iter().any(|r| roles.contains(r))
    }
}

/// (key, 序号, zh, en, kind, roles, screen)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    ItemKind,
    &'static [Role],
    Option<Screen>,
);

const ROWS: &[Row] = {
    use ItemKind::*;
    use Role::*;
    use Screen::*;
    const ALL: &[Role] = &[
        Director,
        Supervisor,
        Assistant,
        Receptionist,
        DepartmentLead,
        DepartmentStaff,
    ];
    const DESK: &[Role] = &[Director, Supervisor, Assistant, Receptionist];
    const OFFICE: &[Role] = &[Director, Supervisor, Assistant];
    const MANAGERS: &[Role] = &[Director, Supervisor];
    &[
        (
            "scope",
            "工作范围及质量标准",
            "Scope of work and quality targets",
            Document,
            &[
                Director,
                Supervisor,
                Assistant,
                Receptionist,
                DepartmentLead,
            ],
            Some(Settings),
        ),
        (
            "org_chart",
            "组织机构图",
            "Organisation chart",
            Document,
            ALL,
            Some(Staff),
        ),
        (
            "duty_manager",
            "客服部经理岗位职责",
            "Duties: customer-service manager",
            Document,
            MANAGERS,
            None,
        ),
        (
            "duty_supervisor",
            "客务主管岗位职责",
            "Duties: customer-service supervisor",
            Document,
            MANAGERS,
            None,
        ),
        (
            "duty_internal",
            "内务主管岗位职责",
            "Duties: internal-affairs supervisor",
            Document,
            MANAGERS,
            None,
        ),
        (
            "duty_assistant",
            "客务助理岗位职责",
            "Duties: customer-service assistant",
            Document,
            OFFICE,
            None,
        ),
        (
            "duty_reception",
            "前台接待员兼文秘岗位职责",
            "Duties: receptionist and secretary",
            Document,
            &[Director, Supervisor, Receptionist],
            None,
        ),
        (
            "covenant",
            "物业管理公约",
            "Estate covenant",
            Document,
            DESK,
            None,
        ),
        (
            "user_handbook",
            "用户手册",
            "Residents' handbook",
            Document,
            DESK,
            None,
        ),
        (
            "decoration_handbook",
            "装修手册",
            "Decoration handbook",
            Document,
            OFFICE,
            None,
        ),
        (
            "quality_guarantee",
            "房屋质量保证书",
            "Home quality guarantee",
            Document,
            OFFICE,
            None,
        ),
        (
            "usage_guide",
            "房屋使用说明书",
            "Home user guide",
            Document,
            OFFICE,
            None,
        ),
        (
            "regulations",
            "物业管理条例",
            "Property management regulations",
            Document,
            &[
                Director,
                Supervisor,
                Assistant,
                Receptionist,
                DepartmentLead,
            ],
            None,
        ),
        (
            "move_in",
            "办理入住程序",
            "Move-in procedure",
            Procedure,
            DESK,
            Some(Households),
        ),
        (
            "decoration",
            "二次装修管理程序",
            "Decoration management procedure",
            Procedure,
            OFFICE,
            Some(Findings),
        ),
        (
            "parking",
            "办理车位程序",
            "Parking-space procedure",
            Procedure,
            DESK,
            None,
        ),
        (
            "opening",
            "开通程序",
            "Service connection procedure",
            Procedure,
            DESK,
            None,
        ),
        (
            "reception",
            "前台接待程序",
            "Reception procedure (greeting, phone within three rings, farewell)",
            Procedure,
            DESK,
            None,
        ),
        (
            "fees",
            "收费程序",
            "Fee collection procedure",
            Procedure,
            DESK,
            None,
        ),
        (
            "complaints",
            "投诉处理程序",
            "Complaint handling procedure",
            Procedure,
            &[
                Director,
                Supervisor,
                Assistant,
                Receptionist,
                DepartmentLead,
            ],
            Some(Complaints),
        ),
        (
            "repairs",
            "报修处理程序",
            "Repair request procedure",
            Procedure,
            ALL,
            Some(Findings),
        ),
        (
            "surveys",
            "用户意见调查程序",
            "Resident survey procedure",
            Procedure,
            OFFICE,
            None,
        ),
        (
            "visits",
            "用户走访/回访程序",
            "Visit and callback procedure",
            Procedure,
            OFFICE,
            Some(Callbacks),
        ),
        (
            "in_home",
            "入室保洁、绿植服务程序",
            "In-home cleaning and plant service procedure",
            Procedure,
            ALL,
            None,
        ),
        (
            "snow",
            "雪天处理预案",
            "Snow plan",
            Procedure,
            ALL,
            Some(Emergency),
        ),
        (
            "cleaning",
            "保洁管理程序",
            "Cleaning management procedure",
            Procedure,
            &[Director, Supervisor, DepartmentLead, DepartmentStaff],
            Some(Patrol),
        ),
        (
            "greening",
            "绿化管理程序",
            "Greening management procedure",
            Procedure,
            &[Director, Supervisor, DepartmentLead, DepartmentStaff],
            Some(Patrol),
        ),
    ]
};

/// The seed's matrix, in its order (序号 1–27).
pub fn default_matrix() -> Vec<MatrixItem> {
    ROWS.iter()
        .enumerate()
        .map(|(i, (key, zh, en, kind, roles, screen))| MatrixItem {
            key: (*key).into(),
            no: i as u32 + 1,
            title: Text::new(*zh, *en),
            kind: *kind,
            roles: roles.iter().copied().collect(),
            screen: *screen,
        })
        .collect()
}

/// The matrix in force: the default with the Director's edits laid over it (an item set again
/// replaces the default of that key; a retired key is left out), by 序号 then key.
pub fn effective(
    edits: &BTreeMap<String, MatrixItem>,
    retired: &BTreeSet<String>,
) -> Vec<MatrixItem> {
    let mut by_key: BTreeMap<String, MatrixItem> = default_matrix()
        .into_iter()
        .map(|i| (i.key.clone(), i))
        .collect();
    for (k, i) in edits {
        by_key.insert(k.clone(), i.clone());
    }
    let mut items: Vec<MatrixItem> = by_key
        .into_values()
        .filter(|i| !retired.contains(&i.key))
        .collect();
    items.sort_by(|a, b| a.no.cmp(&b.no).then_with(|| a.key.cmp(&b.key)));
    items
}

/// The items a person with these roles must learn.
pub fn items_for(matrix: &[MatrixItem], roles: &BTreeSet<Role>) -> Vec<MatrixItem> {
    matrix
        .iter()
        .filter(|i| i.applies_to(roles))
        .cloned()
        .collect()
}
