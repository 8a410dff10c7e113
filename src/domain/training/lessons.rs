//! Training-mode lessons (issue 17): a session in the demo estate run as a lesson for an item of
//! the matrix — its steps, each with the screen where it is done. The lesson's progress lives
//! only in the training tablet's page; completion enters the trainee's real record when the
//! trainer records it in the real estate ([`super::record`] with `lesson`), never by a write from
//! the demo database into the real one.

use super::super::i18n::Text;
use super::matrix::Screen;

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonStep {
    pub text: Text,
    pub screen: Option<Screen>,
    /// Who to sign in as in the demo to do it (the demo staff's role), if it matters.
    pub as_role: Option<Text>,
}

/// A lesson for one matrix item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// Stable key, recorded with the training ("complaints-intake").
    pub key: &'static str,
    /// The matrix item it trains.
    pub item: &'static str,
    pub title: Text,
    pub steps: Vec<LessonStep>,
}

fn step(zh: &str, en: &str, screen: Option<Screen>, role: Option<(&str, &str)>) -> LessonStep {
    LessonStep {
        text: Text::new(zh, en),
        screen,
        as_role: role.map(|(z, e)| Text::new(z, e)),
    }
}

const DESK: (&str, &str) = ("前台接待员（如 吴静）", "a receptionist (e.g. 吴静)");
const SUP: (&str, &str) = ("客服主管（刘晓梅）", "the supervisor (刘晓梅)");
const ASSIST: (&str, &str) = ("物业助理（如 王丽）", "an assistant (e.g. 王丽)");

/// Every lesson, in the order the training page lists them.
pub fn all() -> Vec<Lesson> {
    use Screen::*;
    vec![
        Lesson {
            key: "complaints-intake",
            item: "complaints",
            title: Text::new(
                "投诉：登记、分类、派单",
                "Complaints: register, classify, dispatch",
            ),
            steps: vec![
                step(
                    "打开“投诉登记”，用房号查找住户，填写投诉内容和客户诉求，保存（CMP-2，开始计时）",
                    "Open Register, find the household by unit number, fill in what happened and what the customer asks, save (CMP-2: the clocks start)",
                    Some(RegisterComplaint),
                    Some(DESK),
                ),
                step(
                    "在投诉列表中找到刚登记的投诉，确认联系时限（CMP-4）",
                    "Find it in the complaint list and read its contact deadline (CMP-4)",
                    Some(Complaints),
                    Some(DESK),
                ),
                step(
                    "换成客服主管登录，打开该投诉，分类（一般/重要/重大）并选择紧急程度（CMP-3/5）",
                    "Sign in as the supervisor, open it, classify it (minor/important/major) and set the urgency (CMP-3/5)",
                    Some(Complaints),
                    Some(SUP),
                ),
                step(
                    "派单给责任部门和处理人（CMP-6），确认处理人的我的待办中出现此投诉",
                    "Dispatch it to the department and handler (CMP-6); check it is on the handler's to-do",
                    Some(Complaints),
                    Some(SUP),
                ),
            ],
        },
        Lesson {
            key: "callbacks",
            item: "visits",
            title: Text::new("回访：记录与审阅", "Callbacks: record and review"),
            steps: vec![
                step(
                    "打开回访队列，选择一条到期的回访",
                    "Open the callback queue and pick one that is due",
                    Some(Callbacks),
                    Some(ASSIST),
                ),
                step(
                    "致电客户，记录满意度和意见；未接通的如实记录（CB-2/6）",
                    "Call the customer, record the rating and comment; record an unreached call as such (CB-2/6)",
                    Some(Callbacks),
                    Some(ASSIST),
                ),
                step(
                    "换成客服主管登录，审阅回访记录（CB-3）",
                    "Sign in as the supervisor and review the callback (CB-3)",
                    Some(Callbacks),
                    Some(SUP),
                ),
            ],
        },
        Lesson {
            key: "patrol-round",
            item: "cleaning",
            title: Text::new(
                "巡查：今日巡查、签到、发现问题",
                "Patrol: today's round, check-ins, findings",
            ),
            steps: vec![
                step(
                    "打开今日巡查，开始一条今天的巡查",
                    "Open today's patrol and start one of today's rounds",
                    Some(Patrol),
                    Some(ASSIST),
                ),
                step(
                    "在每个巡查点扫码或手动签到，逐项检查（PAT-1/3）",
                    "Scan or check in by hand at each stop, answering each item (PAT-1/3)",
                    Some(Patrol),
                    Some(ASSIST),
                ),
                step(
                    "发现卫生问题时登记发现并拍照，查看它转到的部门（PAT-4/5）",
                    "Record a cleanliness finding with a photo and see where it is routed (PAT-4/5)",
                    Some(Findings),
                    Some(ASSIST),
                ),
            ],
        },
        Lesson {
            key: "snow-plan",
            item: "snow",
            title: Text::new("突发事件：按预案处置", "Emergencies: run a playbook"),
            steps: vec![
                step(
                    "点页眉的“突发事件”，选择事件类型，填写地点",
                    "Tap the header's emergency button, choose the kind, fill in the place",
                    Some(Emergency),
                    None,
                ),
                step(
                    "按预案逐步打勾，每一步自动写入值班记录（EMG-2/3）",
                    "Tick each step of the playbook; each is written into the duty log (EMG-2/3)",
                    Some(Duty),
                    None,
                ),
                step(
                    "结案：填写原因和预防措施，选择受影响住户（EMG-3）",
                    "Close it with cause and prevention, choosing the affected households (EMG-3)",
                    Some(Emergency),
                    Some(SUP),
                ),
            ],
        },
    ]
}

/// A lesson by key.
pub fn lesson(key: &str) -> Option<Lesson> {
    all().into_iter().find(|l| l.key == key)
}
