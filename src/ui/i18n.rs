//! UI strings in Simplified Chinese and English, using the SOPs' own terms. Domain messages
//! come with both texts already (`domain::i18n::Text`); this table is only for UI chrome.

use super::state::ctx;
use crate::domain::i18n::Lang;
use leptos::prelude::*;

/// The string for `key` in the current language (reactive: call inside a closure).
pub fn t(key: &str) -> &'static str {
    lookup(ctx().lang.get(), key)
}

pub fn t_untracked(key: &str) -> &'static str {
    lookup(ctx().lang.get_untracked(), key)
}

pub fn lookup(lang: Lang, key: &str) -> &'static str {
    let (zh, en) = pair(key);
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn pair(key: &str) -> (&'static str, &'static str) {
    match key {
        "app.name" => ("物业服务台", "Estate Desk"),
        "app.loading" => ("正在打开…", "Opening…"),
        "nav.home" => ("我的待办", "My to-do"),
        "nav.registry" => ("小区档案", "Estate registry"),
        "nav.staff" => ("员工管理", "Staff"),
        "nav.settings" => ("设置", "Settings"),
        "nav.lock" => ("锁屏", "Lock"),
        "nav.switch" => ("切换用户", "Switch user"),
        "lang.toggle" => ("English", "中文"),
        "common.save" => ("保存", "Save"),
        "common.cancel" => ("取消", "Cancel"),
        "common.add" => ("新增", "Add"),
        "common.edit" => ("修改", "Edit"),
        "common.close" => ("关闭", "Close"),
        "common.search" => ("搜索", "Search"),
        "common.none" => ("暂无记录", "Nothing here yet"),
        "common.saved" => ("已保存", "Saved"),
        "common.history" => ("修改记录", "History"),
        "common.optional" => ("选填", "optional"),
        "common.name" => ("姓名", "Name"),
        "common.phone" => ("电话", "Phone"),
        "common.note" => ("备注", "Note"),
        "common.yes" => ("是", "Yes"),
        "common.no" => ("否", "No"),
        "common.back" => ("返回", "Back"),
        "common.loading" => ("加载中…", "Loading…"),
        "common.count" => ("共", "Total"),
        "setup.title" => ("欢迎使用物业服务台", "Welcome to Estate Desk"),
        "setup.lead" => (
            "第一次使用：填写小区名称，并设立第一位物业部主任。之后由主任添加其他员工。",
            "First run: name the estate and create the first Director, who then adds the other staff.",
        ),
        "setup.estate" => ("小区名称", "Estate name"),
        "setup.director" => ("物业部主任姓名", "Director's name"),
        "setup.pin" => ("设置PIN（4–8位数字）", "Choose a PIN (4–8 digits)"),
        "setup.pin2" => ("再次输入PIN", "Repeat the PIN"),
        "setup.go" => ("开始使用", "Start"),
        "setup.mismatch" => ("两次输入的PIN不一致", "The two PINs differ"),
        "setup.demo" => ("先看看？进入培训模式（演示小区）", "Just looking? Open training mode (demo estate)"),
        "setup.done" => ("小区已建立，请用PIN登录", "Estate created. Sign in with your PIN"),
        "signin.title" => ("请选择您的姓名", "Who is signing in?"),
        "signin.search" => ("按姓名查找", "Find by name"),
        "signin.pin" => ("输入PIN", "Enter PIN"),
        "signin.locked" => ("屏幕已锁定，请重新输入PIN", "Screen locked: enter your PIN again"),
        "signin.other" => ("换一位员工", "Someone else"),
        "signin.ok" => ("确定", "OK"),
        "signin.clear" => ("清除", "Clear"),
        "home.title" => ("我的待办", "My to-do"),
        "home.empty" => (
            "暂无待办事项。投诉、回访、巡查等模块启用后，到期和超时的事项会显示在这里。",
            "Nothing due. Once complaints, callbacks and patrols are in use, due and overdue items appear here.",
        ),
        "home.hello" => ("您好", "Hello"),
        "home.overdue" => ("已超时", "Overdue"),
        "home.due" => ("到期", "Due"),
        "home.estate" => ("小区概况", "The estate"),
        "home.buildings" => ("楼栋", "Buildings"),
        "home.units" => ("房号", "Units"),
        "home.households" => ("住户", "Households"),
        "home.staff" => ("在职员工", "Active staff"),
        "storage.persisted" => ("本机数据已设为持久保存", "Data on this tablet is kept persistently"),
        "storage.not" => (
            "浏览器未授予持久存储：请定期导出备份",
            "The browser did not grant persistent storage: export backups regularly",
        ),
        "storage.unknown" => ("无法确认存储状态", "Storage status unknown"),
        "training.banner" => ("培训模式 · 演示数据，不影响正式数据", "Training mode · demo data, real data untouched"),
        "training.pin" => ("演示员工PIN均为 1234", "Every demo staff PIN is 1234"),
        "training.reset" => ("重置演示", "Reset demo"),
        "training.exit" => ("退出培训模式", "Leave training"),
        "training.enter" => ("进入培训模式", "Enter training mode"),
        "training.loading" => ("正在生成演示小区…", "Building the demo estate…"),
        "training.confirm_reset" => ("重置后培训数据全部恢复为初始演示数据。确定？", "Reset all training data to the initial demo?"),
        "staff.title" => ("员工管理", "Staff"),
        "staff.add" => ("添加员工", "Add staff"),
        "staff.roles" => ("角色（可多选）", "Roles (one or more)"),
        "staff.department" => ("部门", "Department"),
        "staff.pin" => ("初始PIN", "First PIN"),
        "staff.newpin" => ("新PIN", "New PIN"),
        "staff.resetpin" => ("重设PIN", "Reset PIN"),
        "staff.deactivate" => ("停用", "Deactivate"),
        "staff.reactivate" => ("恢复", "Reactivate"),
        "staff.inactive" => ("已停用", "Deactivated"),
        "staff.none_dept" => ("无", "None"),
        "staff.created" => ("员工已添加", "Staff member added"),
        "settings.title" => ("设置", "Settings"),
        "settings.estate" => ("小区名称", "Estate name"),
        "settings.idle" => ("无操作自动锁屏（分钟，0为不锁）", "Lock after idle minutes (0 = never)"),
        "settings.holidays" => ("法定节假日（值班24小时）", "Public holidays (24-hour duty)"),
        "settings.holiday_add" => ("添加节假日", "Add holiday"),
        "settings.workdays" => ("调休上班日", "Make-up working days"),
        "settings.lang" => ("界面语言", "Language"),
        "settings.storage" => ("数据存储", "Data storage"),
        "settings.device" => ("本机编号", "This tablet"),
        "settings.events" => ("事件记录数", "Events stored"),
        "settings.training" => ("培训与演示", "Training and demo"),
        "settings.training_lead" => (
            "培训模式使用独立的演示数据库（≥6栋楼、600余户、20余名员工），正式数据不受影响。",
            "Training mode uses a separate demo database (6+ buildings, 600+ households, 20+ staff); real data is untouched.",
        ),
        "settings.only_director" => ("只有物业部主任可以修改设置", "Only a Director can change settings"),
        _ => ("?", "?"),
    }
}
