//! Why an import or export was refused. Every refusal names the problem in both languages
//! (Chinese first) and means nothing was changed on this tablet.

use crate::domain::device::Untrusted;
use crate::domain::i18n::Text;
use crate::domain::ids::EventId;
use crate::domain::roles::Denied;
use crate::store::StoreError;

/// Why an event made the whole file untrustworthy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tamper {
    /// The event's content does not match its own hash.
    ContentEdited,
    /// This tablet already holds an event with this id and different content.
    DiffersFromKnown,
    /// The file holds the id twice with different content.
    DuplicateInFile,
}

/// A refused import file. Nothing is written when one is returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Does not start with the `WUYE` magic line.
    NotEstateDeskFile,
    /// Shorter than it says it is: cut off while copying or sending.
    Truncated { actual: u64, expected: Option<u64> },
    /// The SHA-256 trailer does not match: edited or corrupted.
    ChecksumMismatch,
    /// Consistent checksum, but the content does not follow the format.
    Malformed { detail: String },
    /// Made by a newer app (file format).
    NewerFormat { found: u32, supported: u32 },
    /// Made by a newer app (event schema).
    NewerSchema { found: u32, supported: u32 },
    /// A format version older than this app can migrate.
    UnsupportedOldFormat { found: u32 },
    /// Encrypted, and no passphrase was given.
    PassphraseRequired,
    /// Decryption failed.
    WrongPassphrase,
    /// Key-derivation iterations outside the accepted range (a hostile file could hang the tablet).
    KdfOutOfRange { iterations: u32 },
    /// The file belongs to another estate.
    WrongEstate { file: String, local: String },
    /// This tablet has no estate yet and the file does not found one (an incremental export).
    NeedFullExport { estate: String },
    /// An event's content is not what its id and hash promise.
    TamperedEvent { id: EventId, how: Tamper },
    /// A blob's content does not match its SHA-256 name.
    TamperedBlob { sha256: String },
    /// An event's signature or attestation does not hold (issue 12).
    Untrusted { id: EventId, why: Untrusted },
    /// A plain (unencrypted) file carries a PIN event: no exporter writes one, so the file was
    /// made or edited by hand (issue 12: a PIN set through a plain file could take over a
    /// person's sign-in).
    PinInPlainFile { id: EventId },
    /// The person signed in may not import (issue 12, SOP §0), or nobody is signed in on a
    /// tablet that already holds an estate.
    Denied(Denied),
    /// Reading this tablet's data failed.
    Store(StoreError),
}

impl ImportError {
    pub fn message(&self) -> Text {
        match self {
            ImportError::NotEstateDeskFile => Text::new(
                "这不是物业服务台的导出文件（.wuye），未导入任何内容。",
                "This is not an Estate Desk export file (.wuye); nothing was imported.",
            ),
            ImportError::Truncated { actual, expected } => {
                let (zh, en) = match expected {
                    Some(n) => (format!("，应有{n}字节"), format!(" of {n}")),
                    None => (String::new(), String::new()),
                };
                Text::new(
                    format!("文件不完整（只有{actual}字节{zh}）：复制或传送时被截断。请重新导出并传送，未导入任何内容。"),
                    format!("The file is incomplete ({actual}{en} bytes): it was cut short while copying or sending. Export and send it again; nothing was imported."),
                )
            }
            ImportError::ChecksumMismatch => Text::new(
                "文件校验失败：内容已被修改或损坏。请重新导出并传送，未导入任何内容。",
                "Checksum mismatch: the file was edited or corrupted. Export and send it again; nothing was imported.",
            ),
            ImportError::Malformed { detail } => Text::new(
                format!("文件结构不正确（{detail}），无法导入，未导入任何内容。"),
                format!("The file's structure is invalid ({detail}); nothing was imported."),
            ),
            ImportError::NewerFormat { found, supported } => Text::new(
                format!("此文件由更新版本的物业服务台导出（文件格式版本{found}，本应用最高支持{supported}）。请更新应用后再导入。"),
                format!("This file was exported by a newer version of Estate Desk (file format {found}; this app reads up to {supported}). Please update the app, then import it again."),
            ),
            ImportError::NewerSchema { found, supported } => Text::new(
                format!("此文件包含更新版本应用的记录（数据版本{found}，本应用最高支持{supported}）。请更新应用后再导入。"),
                format!("This file holds records from a newer version of the app (data schema {found}; this app reads up to {supported}). Please update the app, then import it again."),
            ),
            ImportError::UnsupportedOldFormat { found } => Text::new(
                format!("此文件的格式版本{found}过旧，无法升级导入。请用新版应用重新导出。"),
                format!("This file's format version {found} is too old to be migrated. Export it again with a current app."),
            ),
            ImportError::PassphraseRequired => Text::new(
                "此文件已加密：请输入导出时设置的口令。",
                "This file is encrypted: enter the passphrase that was set when it was exported.",
            ),
            ImportError::WrongPassphrase => Text::new(
                "口令不正确，无法解密文件。未导入任何内容。",
                "Wrong passphrase: the file could not be decrypted. Nothing was imported.",
            ),
            ImportError::KdfOutOfRange { iterations } => Text::new(
                format!("文件的加密参数异常（迭代次数{iterations}），已拒绝。"),
                format!("The file's encryption parameters are out of range ({iterations} iterations); refused."),
            ),
            ImportError::WrongEstate { file, local } => Text::new(
                format!("此文件属于另一个小区「{file}」，本平板是「{local}」的数据，不能导入。"),
                format!("This file belongs to another estate, \"{file}\"; this tablet holds \"{local}\". It cannot be imported."),
            ),
            ImportError::NeedFullExport { estate } => Text::new(
                format!("本平板还没有小区资料：请先导入「{estate}」的完整导出文件。"),
                format!("This tablet has no estate yet: first import a full export of \"{estate}\"."),
            ),
            ImportError::TamperedEvent { id, how } => {
                let (zh, en) = match how {
                    Tamper::ContentEdited => ("内容与其校验值不符", "does not match its hash"),
                    Tamper::DiffersFromKnown => (
                        "与本平板已有的同一记录内容不同",
                        "differs from the same record already on this tablet",
                    ),
                    Tamper::DuplicateInFile => ("在文件中出现两次且内容不同", "appears twice with different content"),
                };
                Text::new(
                    format!("记录 {} {zh}：文件被篡改，已拒绝整个文件。", id.short()),
                    format!("Record {} {en}: the file was tampered with, and the whole file is refused.", id.short()),
                )
            }
            ImportError::TamperedBlob { sha256 } => Text::new(
                format!("照片 {} 内容与校验值不符：文件被篡改，已拒绝整个文件。", short_hash(sha256)),
                format!("Photo {} does not match its hash: the file was tampered with, and the whole file is refused.", short_hash(sha256)),
            ),
            ImportError::Untrusted { id, why } => {
                let id = id.short();
                let d = why.device().short();
                match why {
                    Untrusted::BadSignature { .. } => {
                        Text::new(
                            format!("平板 {d} 的记录 {id} 与该平板的签名不符：文件被篡改，已拒绝整个文件。"),
                            format!("Record {id} of tablet {d} does not match that tablet's signature: the file was tampered with, and the whole file is refused."),
                        )
                    }
                    Untrusted::UnknownTablet { .. } => {
                        Text::new(
                            format!("记录 {id} 来自尚未登记的平板 {d}：请主任在该平板的「数据交换」页登记本平板，再重新导出。未导入任何内容。"),
                            format!("Record {id} comes from tablet {d}, which is not enrolled: a Director enrols it on that tablet's Exchange page; then export again. Nothing was imported."),
                        )
                    }
                    Untrusted::Unattested { .. } => {
                        Text::new(
                            format!("平板 {d} 的记录 {id} 没有签名，也不在任何已登记平板的清单中：可能是伪造的，已拒绝整个文件。若该平板仍是旧版本，请先更新并登记后再导出。"),
                            format!("Record {id} of tablet {d} is unsigned and attested by no enrolled tablet: it may be forged, and the whole file is refused. If that tablet runs an old version, update and enrol it, then export again."),
                        )
                    }
                    Untrusted::HeaderUnsigned { .. } => {
                        Text::new(
                            format!("文件头没有导出平板 {d} 的有效签名：文件的范围、条数或值班记录锚点可能被改动（或该平板尚未登记），已拒绝整个文件。"),
                            format!("The file's header carries no valid signature of tablet {d}, which exported it: its range, counts or duty-log anchors may have been changed (or that tablet is not enrolled). The whole file is refused."),
                        )
                    }
                    Untrusted::KeyChanged { .. } => {
                        Text::new(
                            format!("文件为平板 {d} 登记了另一把密钥：可能是伪造的，已拒绝整个文件。"),
                            format!("The file enrols another key for tablet {d}: it may be forged, and the whole file is refused."),
                        )
                    }
                }
            }
            ImportError::PinInPlainFile { id } => Text::new(
                format!("此文件未加密，却含有员工PIN记录 {}：本应用只在加密文件中传递PIN，此文件被篡改，已拒绝整个文件。", id.short()),
                format!("This file is not encrypted but carries a staff PIN record {}: this app passes PINs only in encrypted files, so the file was tampered with, and the whole file is refused.", id.short()),
            ),
            ImportError::Denied(d) => d.message(),
            ImportError::Store(e) => e.message(),
        }
    }
}

fn short_hash(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

/// A refused export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportError {
    /// No `Founded` event among the events: this tablet has no estate to export.
    NoEstate,
    /// Passphrases must have at least [`super::crypto::MIN_PASSPHRASE_CHARS`] characters.
    WeakPassphrase,
    KdfOutOfRange {
        iterations: u32,
    },
    /// The person may not export personal data (issue 12, SOP §0): every `.wuye` file carries
    /// the households and the staff list with phones.
    Denied(Denied),
    Store(StoreError),
}

impl ExportError {
    pub fn message(&self) -> Text {
        match self {
            ExportError::NoEstate => Text::new(
                "本平板还没有小区资料，无可导出。",
                "This tablet has no estate yet; there is nothing to export.",
            ),
            ExportError::WeakPassphrase => Text::new(
                format!(
                    "口令至少需要{}个字符。",
                    super::crypto::MIN_PASSPHRASE_CHARS
                ),
                format!(
                    "The passphrase needs at least {} characters.",
                    super::crypto::MIN_PASSPHRASE_CHARS
                ),
            ),
            ExportError::KdfOutOfRange { iterations } => Text::new(
                format!("加密迭代次数{iterations}超出允许范围。"),
                format!("{iterations} key-derivation iterations is out of the allowed range."),
            ),
            ExportError::Denied(d) => d.message(),
            ExportError::Store(e) => e.message(),
        }
    }
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Store(e)
    }
}
