//! UI strings of the Sync page's streamed import and export (issue 13), registered in
//! `ui::i18n::AREAS` (the older sync strings are in the common table).

pub fn pair(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "sync.unfinished" => (
            "导入未完成，请重新选择同一文件继续",
            "Import not finished: choose the same file again to continue",
        ),
        "sync.unfinished_detail" => (
            "已导入{done}/{total}条（来自平板{device}）。完成之前，部分记录可能只显示了文件中的一部分内容。",
            "{done} of {total} events imported (from tablet {device}). Until it is finished, some records may show only part of the file's content.",
        ),
        "sync.check_progress" => ("已校验 {done} / {total}", "{done} of {total} checked"),
        "sync.import_progress" => ("已导入 {done} / {total} 条", "{done} of {total} events imported"),
        "sync.fold_progress" => ("正在整理导入的记录：{done} / {total}", "Organising the imported records: {done} of {total}"),
        "sync.export_progress" => ("已写入{events}条记录，{bytes}", "{events} events written, {bytes}"),
        "sync.export_cancel" => ("取消导出", "Cancel export"),
        "sync.export_cancelled" => ("已取消导出，未保存文件", "Export cancelled; no file was saved"),
        _ => return None,
    })
}
