//! UI strings of the emergency pages (突发事件), registered in `ui::i18n::AREAS`.

pub fn pair(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "emg.button" => ("紧急", "Emergency"),
        "emg.title" => ("突发事件", "Emergency"),
        "emg.lead" => (
            "点一下事件类型即开始处置：逐项点步骤，时间自动记入值班记录。",
            "Tap the kind to start: tap each step as it is done; the times go into the duty log.",
        ),
        "emg.open" => ("正在处置", "In progress"),
        "emg.place" => ("地点（可稍后补充）", "Where (can be added later)"),
        "emg.playbooks" => ("处理规程", "Playbooks"),
        "emg.assembly" => ("紧急集合", "Emergency assembly"),
        "emg.started" => ("启动于", "started"),
        "emg.closed" => ("已结案", "Closed"),
        "emg.contacts" => ("联系人", "Contacts"),
        "emg.timeline" => ("处置时间线", "Timeline"),
        "emg.note" => ("谁做了什么", "Who did what"),
        "emg.closure" => ("结案", "Closure"),
        "emg.close" => ("结案", "Close the incident"),
        "emg.cause" => ("事件原因", "Cause"),
        "emg.prevention" => ("预防措施", "Prevention"),
        "emg.callback" => ("需回访住户", "Households to call back"),
        "emg.households" => ("受影响住户", "Affected households"),
        "emg.unit_hint" => ("输入房号查找，如 1201", "Type a unit number, e.g. 1201"),
        "emg.close_save" => ("结案并安排回访", "Close and schedule the callback"),
        "emg.no_supervisor" => (
            "没有主管可安排回访",
            "There is no supervisor for the callback",
        ),
        "emg.not_found" => ("找不到该事件", "Incident not found"),
        "emg.major" => ("认定为重大安全责任事故", "Find a major safety incident"),
        "emg.major.found" => ("已认定为重大安全责任事故", "Found a major safety incident"),
        "emg.major.reason" => ("认定理由", "Reason"),
        "emg.major.confirm_lead" => (
            "认定后计入本年度质量目标“不发生重大安全责任事故”，不能撤销",
            "Once found, it counts against this year's target of no major safety incident and cannot be undone",
        ),
        "emg.major.confirm" => ("确认认定", "Confirm the finding"),
        _ => return None,
    })
}
