//! 前台接待服务标准 — the reception standards card (DESK-4, seed 001 §6.1), as data: shown on
//! the front desk's page and used as training material (TRAIN-1 links the 接待 item here).

use crate::domain::i18n::Text;

/// One standard: when it applies and what to do or say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standard {
    pub when: Text,
    pub rule: Text,
    /// The words to say, if there are set words.
    pub say: Text,
}

fn s(when: (&str, &str), rule: (&str, &str), say: (&str, &str)) -> Standard {
    Standard {
        when: Text::new(when.0, when.1),
        rule: Text::new(rule.0, rule.1),
        say: Text::new(say.0, say.1),
    }
}

/// The front desk's card (DESK-4): greeting, the phone within three rings, farewell, and the
/// polite phrases of seed 001 §6.1.
pub fn card() -> Vec<Standard> {
    vec![
        s(
            ("来访问候", "Greeting a visitor"),
            (
                "主动起立、面带微笑，先开口问候",
                "Stand, smile and greet first",
            ),
            ("您好，请问您需要帮助吗？", "Hello, how can I help you?"),
        ),
        s(
            ("接听电话", "Answering the phone"),
            (
                "铃响三声以内必须接听；认真倾听对方的事由；通话完毕须等对方放下电话后再放下",
                "Answer within three rings; listen to the caller's matter; hang up only after the caller has",
            ),
            ("您好，物业服务中心。", "Hello, estate service centre."),
        ),
        s(
            ("通话中需暂停", "Pausing a call"),
            (
                "先征得对方同意并致谢；继续通话时须向对方致歉",
                "Ask the caller first and thank them; apologise when you return",
            ),
            ("请稍等，谢谢。让您久等了。", "One moment please, thank you. Sorry to keep you waiting."),
        ),
        s(
            ("拨打电话", "Making a call"),
            (
                "接通后先问候并自我介绍，交待清楚要找的人和事由",
                "Greet and introduce yourself, say whom you need and why",
            ),
            ("您好，我是物业前台……谢谢您，麻烦您，再见。", "Hello, this is the estate front desk… Thank you, goodbye."),
        ),
        s(
            ("接待来访", "Receiving a visitor"),
            (
                "确认对方要求后及时联系被访人；被访人不在或不便时礼貌致歉",
                "Confirm the request and contact the person visited at once; apologise politely if they are unavailable",
            ),
            ("请稍等，我帮您联系。他马上来，请您先坐一下，好吗？", "One moment, I'll call them. They're coming — would you like to take a seat?"),
        ),
        s(
            ("微笑服务", "Service with a smile"),
            (
                "始终面带微笑，热情主动；耐心处理每一项服务，谦虚和悦地接受用户的评价",
                "Smile throughout, be warm and proactive; handle each request patiently, accept feedback graciously",
            ),
            ("", ""),
        ),
        s(
            ("道别", "Farewell"),
            (
                "客户离去时面带微笑道别",
                "Smile and say goodbye when the customer leaves",
            ),
            ("欢迎您再来，再见！", "Please come again, goodbye!"),
        ),
        s(
            ("礼貌用语", "Polite phrases"),
            (
                "您好、请、谢谢、对不起、再见；不顶撞、不讲粗言恶语；严禁空岗",
                "Hello, please, thank you, sorry, goodbye; never argue or use rude words; never leave the desk unattended",
            ),
            ("对不起，打扰您了。您还有别的事吗？", "Sorry to trouble you. Is there anything else?"),
        ),
    ]
}
