//! VIO-2: the catalogue of violations with the seed's sub-items (seed 000 §6.2), as data.
//! VIO-1 principles and VIO-3/VIO-4 definitions shown beside the form.

use crate::domain::i18n::Text;
use serde::{Deserialize, Serialize};

labelled!(
    /// VIO-2 category (seed 000 §6.2.1–6.2.6).
    Category {
        Renovation => ("违反装修管理规定", "Renovation rules", "renovation"),
        FireSafety => ("违反消防管理规定", "Fire safety rules", "fire"),
        Sanitation => ("违反环境卫生管理规定", "Sanitation rules", "sanitation"),
        PublicOrder => ("违反治安管理规定", "Public order rules", "order"),
        RefusingFees => ("无特殊原因拒交管理服务费用", "Refusing fees without cause", "fees"),
        HarmingOthers => ("损害其他客户利益或影响小区安全", "Harming other residents or estate safety", "harm"),
    }
);

impl Category {
    /// The seed's sub-items a, b, c … (empty for the two categories without sub-items).
    pub fn items(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Category::Renovation => &[
                (
                    "擅自改变房屋结构、外观、设计用途、功能和布局",
                    "Changing the structure, facade, use or layout",
                ),
                (
                    "对承重墙、柱、梁、板违章凿、拆、搭建",
                    "Cutting or building on load-bearing walls, columns, beams, slabs",
                ),
                (
                    "擅自拆除、改造供电、供水、供气、通讯、排水、消防等公用设施",
                    "Removing or altering shared power, water, gas, drains, fire systems",
                ),
                (
                    "擅自在门窗安装网、罩、牌破坏整体外观",
                    "Nets, covers or signs on doors and windows",
                ),
                (
                    "擅自拆除地漏盖和向地漏倾倒杂物",
                    "Removing floor-drain covers, dumping into drains",
                ),
                ("其他违反装修管理规定的行为", "Other renovation breaches"),
            ],
            Category::FireSafety => &[
                ("堵塞消防通道", "Blocking a fire lane"),
                (
                    "损坏消防设备、标识、报警装置、灭火设施",
                    "Damaging fire equipment, signs or alarms",
                ),
                ("超负荷用电、乱拉乱接电线", "Overloading, loose wiring"),
                (
                    "在公共场地焚烧香火、纸张、杂物",
                    "Burning incense, paper or waste in public areas",
                ),
                (
                    "营业场所未按规定配置灭火器材",
                    "Shop without the required extinguishers",
                ),
                ("其他违反消防管理规定的行为", "Other fire-safety breaches"),
            ],
            Category::Sanitation => &[
                ("乱丢垃圾、果皮、烟头，随地吐痰", "Littering, spitting"),
                ("破坏卫生设施设备", "Damaging sanitation facilities"),
                (
                    "在公用场地堆放、吊挂杂物，乱搭建、乱张贴",
                    "Storing, hanging, building or posting in shared areas",
                ),
                (
                    "高空抛物、倒污水",
                    "Throwing from height, pouring waste water",
                ),
                ("高音喇叭制造噪音", "Loudspeaker noise"),
                (
                    "践踏草坪、攀摘花木、占用绿地",
                    "Trampling grass, picking plants, occupying green space",
                ),
                ("其他违反环境卫生及美化的行为", "Other sanitation breaches"),
            ],
            Category::PublicOrder => &[
                ("违章停车", "Bad parking"),
                (
                    "违规存放易燃、易爆、剧毒、放射性物品",
                    "Storing flammable, explosive, toxic or radioactive goods",
                ),
                ("聚众赌博、打架斗殴", "Gambling, fighting"),
                ("其他违反治安管理的行为", "Other public-order breaches"),
            ],
            Category::RefusingFees | Category::HarmingOthers => &[],
        }
    }

    /// "a) 堵塞消防通道" — the sub-item with its letter, as printed.
    pub fn item_label(self, item: Option<u8>) -> Option<Text> {
        let i = item? as usize;
        let (zh, en) = self.items().get(i)?;
        let letter = (b'a' + i as u8) as char;
        Some(Text::new(
            format!("{letter}) {zh}"),
            format!("{letter}) {en}"),
        ))
    }
}

labelled!(
    /// VIO-3 severity.
    Severity {
        General => ("一般违章", "General", "general"),
        Major => ("重大违章", "Major", "major"),
    }
);

impl Severity {
    /// VIO-3 definition (seed 000 §6.2.7), shown beside the choice.
    pub fn definition(self) -> Text {
        match self {
            Severity::General => Text::new(
                "未造成小区客户利益或物业部经济损失，也未对小区公共安全造成威胁。由客服主管（主任助理）亲自或指定管理员处理。",
                "No loss to residents or the company and no threat to public safety. Handled by the Supervisor in person or through a named Assistant.",
            ),
            Severity::Major => Text::new(
                "造成客户利益或物业部经济损失，或对小区公共安全造成威胁。由物业部主任处理。",
                "A loss to residents or the company, or a threat to public safety. Handled by the Director.",
            ),
        }
    }
}

labelled!(
    /// Persuaded on the spot (VIO-5: anyone persuades first).
    Persuasion {
        Stopped => ("已劝止", "Stopped", "stopped"),
        Ignored => ("置之不理", "Ignored", "ignored"),
    }
);

labelled!(
    /// VIO-4 handling methods (seed 000 §4.3.1–4.3.6).
    Method {
        Persuasion => ("即时劝导、教育", "On-the-spot persuasion", "persuasion"),
        Rectification => ("限期整改", "Rectification by a deadline", "rectification"),
        Compensation => ("赔偿经济损失", "Compensation", "compensation"),
        WaterPowerCut => ("停水停电", "Water/power cut", "cut"),
        PublicCriticism => ("通报批评", "Public criticism", "criticism"),
        Lawsuit => ("提起诉讼", "Lawsuit", "lawsuit"),
    }
);

impl Method {
    /// When the method applies (VIO-4), shown beside the choice.
    pub fn applies(self) -> Text {
        match self {
            Method::Persuasion => Text::new("适用于一般违章", "For general violations"),
            Method::Rectification => Text::new(
                "尚未给小区造成经济损失的违章；到期复查",
                "No loss yet; rechecked on the deadline",
            ),
            Method::Compensation => Text::new(
                "给小区公共利益造成较大经济损失；金额报财务部统一扣款",
                "A large loss to the public; the amount goes to finance",
            ),
            Method::WaterPowerCut => Text::new(
                "严重拖欠或拒交管理服务费用；须业主委员会调解无效，并提前3天书面通知",
                "Serious fee arrears; only after failed owners'-committee mediation and a written notice 3 days before",
            ),
            Method::PublicCriticism => Text::new(
                "不接受违章处理意见；须取得业主委员会支持",
                "Refuses the handling opinion; needs the owners' committee's support",
            ),
            Method::Lawsuit => Text::new(
                "较大经济损失拒不赔偿或严重欠费，经业主委员会调解无效",
                "Large loss unpaid or serious arrears, after failed mediation",
            ),
        }
    }
    /// A penalty (everything but persuasion): decided only by the Director or the Supervisor
    /// (VIO-6), followed up afterwards (VIO-7).
    pub fn is_penalty(self) -> bool {
        self != Method::Persuasion
    }
    /// Decided by the Director only (VIO-5: "director decides compensation/cut").
    pub fn director_only(self) -> bool {
        matches!(self, Method::Compensation | Method::WaterPowerCut)
    }
}

/// VIO-1: the principles, shown beside the record form.
pub const PRINCIPLES: &[(&str, &str)] = &[
    ("以劝导、教育为主", "Persuade and educate first"),
    ("慎用处罚", "Penalise sparingly"),
    (
        "取得业主委员会支持后再进行处罚",
        "Penalise only with the owners' committee's support",
    ),
    (
        "实施处罚以赢得大多数客户的认可",
        "Penalties must win most residents' approval",
    ),
    (
        "批评规劝从重，处罚从轻",
        "Criticise firmly, penalise lightly",
    ),
    (
        "处理尽量不伤和气，事后主动缓和关系",
        "Keep the peace; repair the relationship afterwards",
    ),
];

/// Whether a category's breaches are also written on the 装修违章情况记录表 (VIO-10).
pub fn is_renovation(c: Category) -> bool {
    c == Category::Renovation
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// Mediation by the owners' committee (VIO-4).
pub enum MediationOutcome {
    Failed,
    Settled,
}
