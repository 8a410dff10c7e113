//! Roles, departments and the permission matrix (SOP.md §0). Every command is checked here,
//! in the domain: the UI may hide a button, but the rule lives in [`authorize`].

use super::i18n::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// 岗位角色 — SOP §0 roles. One person may hold several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 物业部主任 / 客服部经理
    Director,
    /// 客服部主管 / 主任助理
    Supervisor,
    /// 管理员 / 物业助理 / 客务助理
    Assistant,
    /// 前台接待员
    Receptionist,
    /// 部门负责人 (engineering, security, environment, finance lead)
    DepartmentLead,
    /// 部门员工
    DepartmentStaff,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Director,
        Role::Supervisor,
        Role::Assistant,
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ];
    pub fn label(self) -> Text {
        match self {
            Role::Director => Text::new("物业部主任", "Director"),
            Role::Supervisor => Text::new("客服主管", "Supervisor"),
            Role::Assistant => Text::new("物业助理", "Assistant"),
            Role::Receptionist => Text::new("前台接待员", "Receptionist"),
            Role::DepartmentLead => Text::new("部门负责人", "Department lead"),
            Role::DepartmentStaff => Text::new("部门员工", "Department staff"),
        }
    }
}

/// 部门 — SOP §0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Department {
    /// 客服部
    CustomerService,
    /// 工程部
    Engineering,
    /// 护管部 / 保安部
    Security,
    /// 环境部 (保洁、绿化)
    Environment,
    /// 财务部
    Finance,
}

impl Department {
    pub const ALL: [Department; 5] = [
        Department::CustomerService,
        Department::Engineering,
        Department::Security,
        Department::Environment,
        Department::Finance,
    ];
    pub fn label(self) -> Text {
        match self {
            Department::CustomerService => Text::new("客服部", "Customer service"),
            Department::Engineering => Text::new("工程部", "Engineering"),
            Department::Security => Text::new("护管部", "Security"),
            Department::Environment => Text::new("环境部", "Environment"),
            Department::Finance => Text::new("财务部", "Finance"),
        }
    }
}

/// Something a person may try to do. Later modules add their actions here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Add staff, change roles, reset a PIN.
    ManageStaff,
    /// Estate name and settings (calendar, clocks, idle lock).
    ChangeSettings,
    /// Buildings, units, households, facilities, checkpoints.
    EditRegistry,
    /// Look up the registry (everyone signed in).
    ViewRegistry,
    /// Load or reset the demo estate in training mode (managers running training).
    RunTraining,
    /// CMP-2: register a complaint (reception, assistants, anyone on patrol).
    RegisterComplaint,
    /// CMP-3..6: classify and dispatch.
    DispatchComplaint,
    /// CMP-5/8: accept, contact the customer, report progress.
    HandleComplaint,
    /// CMP-8: customer service tells the customer how it stands.
    InformCustomer,
    /// CMP-9: close with the handling report.
    CloseComplaint,
    /// CB-2, CMP-10: call back (class decides the role).
    RecordCallback,
    /// CB-1/3/5: plan and review callbacks, file open letters.
    PlanCallbacks,
    /// HELP-1..5: register and answer help requests.
    HandleHelp,
    /// CMP-12/13, HELP-6: the monthly analysis.
    ViewComplaintReport,
    /// Set patrol routes, plan rounds, file violation drafts (PAT-1, PAT-2, VIO-10).
    ManagePatrolRoutes,
    /// Walk a round: check in, record findings (PAT-1, PAT-4).
    WalkPatrol,
    /// Close a finding or a cleaning record (PAT-5).
    HandleFinding,
    /// Take, attend and complete a work order (REP-8).
    HandleWorkOrder,
    /// Build and publish the duty roster, decide leave (DUTY-1, DUTY-5).
    ManageRoster,
    /// Ask for leave from a duty (DUTY-5).
    RequestLeave,
    /// Write the duty log (DUTY-3, DUTY-4, DUTY-11).
    KeepDutyLog,
    /// Read and sign the day's duty log (DUTY-8).
    ReviewDutyLog,
    /// Hand over or take over a shift (DUTY-6, DUTY-7).
    HandOver,
    /// Start an emergency playbook and record its steps (EMG-1, EMG-2): anyone.
    RunEmergency,
    /// Close an incident with cause and prevention (EMG-3).
    CloseIncident,
    /// Enrol a tablet's signing key (issue 12).
    EnrollDevice,
    /// Re-base a tablet whose clock ran ahead onto a new device id (issue 12).
    RebaseClock,
    /// Import a `.wuye` file from another tablet (issue 12; §0: it changes every module's data).
    ImportData,
    /// Export personal data: a `.wuye` file (it carries households and staff phones) or a
    /// staff / household CSV list (issue 12; §0). Lists without people (buildings, facilities,
    /// checkpoints) need no permission.
    ExportPersonalData,
    /// Settle a sync conflict: confirm the winner or reverse it (issue 12; §0).
    SettleConflicts,
    /// TRAIN-1: edit the training matrix (the Director).
    EditTrainingMatrix,
    /// TRAIN-2: plan a person's training and record trainings and results.
    RecordTraining,
    /// PAID-8: record a private job or neglect of duty against a staff member.
    RecordDiscipline,
    /// REP-2, PAID-1: approve the fee schedule's items and prices (issue 15).
    ApproveFees,
    /// REP-1, PAID-2/4: take repair and paid-service orders at the desk, collect paid fees.
    TakeOrder,
    /// REP-2/3, PAID-3: the department lead receives, assesses and dispatches orders.
    DispatchOrder,
    /// Take cash at a desk and issue a receipt (PAID-4, DESK-3): customer service.
    TakeCash,
    /// Close a till's day, or confirm its difference as the second person (PAID-4).
    CloseTill,
    /// Carry an unclosed cash day over so the till can take cash again (PAID-4).
    CarryOverCash,
    /// The front desk's registers: mail, newspapers, consignment sales (DESK-1..3).
    KeepDeskRegisters,
    /// Identify the recipient of mail with an unknown address (DESK-1, seed 001 §6.2.5).
    IdentifyMail,
    /// Record a violation one has persuaded (VIO-5): anyone.
    RecordViolation,
    /// Decide a handling opinion, record arrears, mediation, committee support (VIO-6).
    DecideViolation,
    /// Sign a handling opinion so it takes effect; decide compensation, cuts and every major
    /// violation (VIO-5).
    ApproveViolation,
    /// Serve notices, recheck a rectification, record the follow-up (VIO-4, VIO-8).
    FollowUpViolation,
    /// Review records past their retention date, archive and purge them (QUAL-4).
    PurgeRecords,
    /// PAID-6: record that a month's paid-service summary was reconciled with finance,
    /// engineering and environment (the Supervisor).
    ReconcilePaid,
    /// HELP-4: answer an enquiry referred to (or flagged for) a supervisor.
    AnswerReferredHelp,
    /// CB-3: submit a month's results to the director.
    SubmitMonthlyResults,
    /// CB-3: sign a month's results off (the director).
    AcknowledgeMonthlyResults,
    /// MOVE-1: open move-in for a set of units; report the no-shows to the Director.
    OpenMoveIn,
    /// MOVE-1: remind owners who have not come (seed 002 篇3 5.4: the Assistant).
    RemindMoveIn,
    /// MOVE-2..10: run a household's move-in session at the desk (客服部各岗位).
    HandleMoveIn,
    /// QUAL-1/2: draft, edit, start and close satisfaction surveys, open corrective actions,
    /// find a major safety incident (the Director).
    ManageQuality,
    /// QUAL-1: take a household's survey answers (tablet or paper); report an action done.
    TakeSurvey,
    /// PAT-7: import finance's monthly arrears list.
    ImportArrears,
    /// PAT-7: phone and visit households in arrears.
    FollowUpArrears,
    /// CMP-12 / QUAL-1: open a corrective action with an owner and a deadline, verify its
    /// result or send it back (seed 002 投诉 4.5: 采取措施限期整改).
    OpenCorrective,
    /// CMP-12 / QUAL-1: report progress and the result of a corrective action (its owner,
    /// whoever that is: the command checks it).
    ReportCorrective,
}

impl Action {
    pub fn label(self) -> Text {
        match self {
            Action::ManageStaff => Text::new("管理员工", "manage staff"),
            Action::ChangeSettings => Text::new("修改设置", "change settings"),
            Action::EditRegistry => Text::new("编辑小区档案", "edit the estate registry"),
            Action::ViewRegistry => Text::new("查看小区档案", "view the estate registry"),
            Action::RunTraining => Text::new("培训演示", "run training"),
            Action::RegisterComplaint => Text::new("登记投诉", "register complaints"),
            Action::DispatchComplaint => Text::new("分类派单", "classify and dispatch complaints"),
            Action::HandleComplaint => Text::new("处理投诉", "handle complaints"),
            Action::InformCustomer => Text::new("告知客户", "inform customers"),
            Action::CloseComplaint => Text::new("投诉结案", "close complaints"),
            Action::RecordCallback => Text::new("回访", "record callbacks"),
            Action::PlanCallbacks => Text::new("安排和审阅回访", "plan and review callbacks"),
            Action::HandleHelp => Text::new("处理求助", "handle help requests"),
            Action::ViewComplaintReport => Text::new("查看投诉统计", "view the complaint report"),
            Action::ManagePatrolRoutes => Text::new("管理巡查路线", "manage patrol routes"),
            Action::WalkPatrol => Text::new("巡查签到", "walk patrol rounds"),
            Action::HandleFinding => Text::new("处理巡查发现", "handle patrol findings"),
            Action::HandleWorkOrder => Text::new("处理工单", "handle work orders"),
            Action::ManageRoster => Text::new("排班", "manage the duty roster"),
            Action::RequestLeave => Text::new("请假", "request leave"),
            Action::KeepDutyLog => Text::new("填写值班记录", "write the duty log"),
            Action::ReviewDutyLog => Text::new("签阅值班记录", "sign the duty log"),
            Action::HandOver => Text::new("交接班", "hand over a shift"),
            Action::RunEmergency => Text::new("启动突发事件处理", "run an emergency playbook"),
            Action::CloseIncident => Text::new("突发事件结案", "close an incident"),
            Action::EnrollDevice => Text::new("登记平板", "enrol a tablet"),
            Action::RebaseClock => Text::new("校正平板时钟", "re-base the tablet's clock"),
            Action::ImportData => Text::new("导入数据", "import data"),
            Action::ExportPersonalData => Text::new(
                "导出含个人信息的数据（住户、电话）",
                "export personal data (households, phones)",
            ),
            Action::SettleConflicts => Text::new("处理同步冲突", "settle sync conflicts"),
            Action::EditTrainingMatrix => Text::new("修改岗位培训表", "edit the training matrix"),
            Action::RecordTraining => Text::new("记录培训", "record training"),
            Action::RecordDiscipline => Text::new("记录违纪处理", "record discipline"),
            Action::ApproveFees => Text::new("批准收费标准", "approve the fee schedule"),
            Action::TakeOrder => {
                Text::new("受理报修和有偿服务", "take repair and paid-service orders")
            }
            Action::DispatchOrder => Text::new("接单派工", "receive and dispatch orders"),
            Action::TakeCash => Text::new("收款开票", "take cash and issue receipts"),
            Action::CloseTill => Text::new("现金日结", "close the day's cash"),
            Action::CarryOverCash => {
                Text::new("顺延未日结的现金", "carry over an unclosed cash day")
            }
            Action::KeepDeskRegisters => {
                Text::new("登记前台台账", "keep the front desk's registers")
            }
            Action::IdentifyMail => Text::new(
                "识别地址不详的信件",
                "identify mail with an unknown address",
            ),
            Action::RecordViolation => Text::new("登记违章", "record violations"),
            Action::DecideViolation => {
                Text::new("处理违章（处罚）", "decide violations (penalties)")
            }
            Action::ApproveViolation => Text::new("审批违章处理意见", "approve violation opinions"),
            Action::FollowUpViolation => Text::new("跟进违章处理", "follow up violations"),
            Action::PurgeRecords => Text::new("清理过期资料", "purge records past retention"),
            Action::SubmitMonthlyResults => Text::new(
                "向主任呈报月度结果",
                "submit monthly results to the director",
            ),
            Action::AcknowledgeMonthlyResults => {
                Text::new("审阅月度结果", "sign monthly results off")
            }
            Action::AnswerReferredHelp => Text::new(
                "答复转交主管的咨询",
                "answer enquiries referred to a supervisor",
            ),
            Action::ManageQuality => Text::new(
                "管理质量目标和满意度调查",
                "manage quality targets and surveys",
            ),
            Action::TakeSurvey => Text::new("填写满意度调查", "take survey answers"),
            Action::ImportArrears => Text::new("导入欠费清单", "import the arrears list"),
            Action::FollowUpArrears => Text::new("欠费催缴", "follow up arrears"),
            Action::OpenCorrective => {
                Text::new("下达和验证纠正措施", "open and verify corrective actions")
            }
            Action::ReportCorrective => {
                Text::new("填写纠正措施进展", "report on corrective actions")
            }
            Action::ReconcilePaid => Text::new(
                "确认有偿服务月度对账",
                "record the paid-service monthly reconciliation",
            ),
            Action::OpenMoveIn => Text::new("安排入伙", "open move-in"),
            Action::RemindMoveIn => Text::new("再次通知入伙", "remind owners to move in"),
            Action::HandleMoveIn => Text::new("办理入伙手续", "run move-in sessions"),
        }
    }

    /// The permission matrix: which roles may do this (SOP §0 "may" column).
    pub fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::ManageStaff | Action::ChangeSettings => &[Director],
            Action::EditRegistry => &[Director, Supervisor, Assistant, Receptionist],
            Action::ViewRegistry => &Role::ALL,
            Action::RunTraining => &[Director, Supervisor],
            Action::RegisterComplaint | Action::HandleHelp => &Role::ALL,
            Action::DispatchComplaint | Action::PlanCallbacks | Action::ViewComplaintReport => {
                &[Director, Supervisor]
            }
            Action::HandleComplaint | Action::CloseComplaint => {
                &[Director, Supervisor, DepartmentLead]
            }
            Action::InformCustomer => &[Director, Supervisor, Assistant, Receptionist],
            Action::RecordCallback => &[Director, Supervisor, Assistant],
            Action::ManagePatrolRoutes => &[Director, Supervisor],
            Action::WalkPatrol => &[Director, Supervisor, Assistant, DepartmentLead],
            Action::HandleFinding => &[Director, Supervisor, Assistant, DepartmentLead],
            Action::HandleWorkOrder => &[Director, Supervisor, DepartmentLead, DepartmentStaff],
            Action::ManageRoster | Action::ReviewDutyLog => &[Director, Supervisor],
            Action::RequestLeave | Action::KeepDutyLog | Action::HandOver => {
                &[Supervisor, Assistant, Receptionist]
            }
            Action::RunEmergency => &Role::ALL,
            Action::CloseIncident => &[Director, Supervisor, Assistant],
            Action::EnrollDevice => &[Director],
            Action::RebaseClock => &[Director, Supervisor],
            Action::ImportData | Action::ExportPersonalData | Action::SettleConflicts => {
                &[Director, Supervisor]
            }
            Action::EditTrainingMatrix => &[Director],
            Action::RecordTraining | Action::RecordDiscipline => &[Director, Supervisor],
            Action::ApproveFees => &[Director],
            Action::TakeOrder => &[Director, Supervisor, Assistant, Receptionist],
            Action::DispatchOrder => &[Director, DepartmentLead],
            // Seed 003: "所有有偿服务现金统一由客服部统一收取" — customer service takes and
            // closes; carrying a day over is a Supervisor's decision.
            Action::TakeCash | Action::CloseTill => {
                &[Director, Supervisor, Assistant, Receptionist]
            }
            Action::CarryOverCash => &[Director, Supervisor],
            // Seed 001 §6.2.7: an Assistant covers the desk at weekends and records the same.
            Action::KeepDeskRegisters => &[Director, Supervisor, Assistant, Receptionist],
            Action::IdentifyMail => &[Director, Supervisor, Assistant],
            Action::RecordViolation => &Role::ALL,
            Action::DecideViolation => &[Director, Supervisor],
            Action::ApproveViolation | Action::PurgeRecords => &[Director],
            Action::FollowUpViolation => &[Director, Supervisor, Assistant],
            Action::ReconcilePaid => &[Director, Supervisor],
            // HELP-4: "by the supervisor if needed".
            Action::AnswerReferredHelp => &[Director, Supervisor],
            // CB-3: "monthly results go to the director".
            Action::SubmitMonthlyResults => &[Director, Supervisor],
            Action::AcknowledgeMonthlyResults => &[Director],
            // Seed 002 篇3 3.2/3.3/5.4: the Supervisor organises, the Assistant reminds, every
            // customer-service post handles the papers.
            Action::OpenMoveIn => &[Director, Supervisor],
            Action::RemindMoveIn => &[Director, Supervisor, Assistant],
            Action::HandleMoveIn => &[Director, Supervisor, Assistant, Receptionist],
            Action::ManageQuality => &[Director],
            Action::TakeSurvey => &[Director, Supervisor, Assistant, Receptionist],
            Action::ImportArrears => &[Director, Supervisor],
            // Seed 002: the patrol (Assistants, department leads) visits during rounds.
            Action::FollowUpArrears => &[Director, Supervisor, Assistant, DepartmentLead],
            Action::OpenCorrective => &[Director, Supervisor],
            Action::ReportCorrective => &Role::ALL,
        }
    }
}

/// A refused command: says what was attempted and which roles may do it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denied {
    pub action: Action,
    pub needs: Vec<Role>,
}

impl Denied {
    pub fn message(&self) -> Text {
        let zh: Vec<String> = self.needs.iter().map(|r| r.label().zh).collect();
        let en: Vec<String> = self.needs.iter().map(|r| r.label().en).collect();
        Text::new(
            format!(
                "无权{}：需要以下角色之一：{}",
                self.action.label().zh,
                zh.join("、")
            ),
            format!(
                "Not allowed to {}: needs one of these roles: {}",
                self.action.label().en,
                en.join(", ")
            ),
        )
    }
}

/// Checks a person's roles against the matrix. Director may do everything (SOP §0).
pub fn authorize(roles: &BTreeSet<Role>, action: Action) -> Result<(), Denied> {
    if roles.contains(&Role::Director) || action.allowed_roles().iter().any(|r| roles.contains(r)) {
        Ok(())
    } else {
        Err(Denied {
            action,
            needs: action.allowed_roles().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(r: &[Role]) -> BTreeSet<Role> {
        r.iter().copied().collect()
    }

    #[test]
    fn director_may_do_everything() {
        for a in [
            Action::ManageStaff,
            Action::ChangeSettings,
            Action::EditRegistry,
            Action::ViewRegistry,
            Action::RunTraining,
        ] {
            assert!(authorize(&set(&[Role::Director]), a).is_ok(), "{a:?}");
        }
    }

    #[test]
    fn permission_matrix_refuses_with_the_needed_role() {
        let e = authorize(&set(&[Role::Assistant]), Action::ManageStaff).unwrap_err();
        assert_eq!(e.needs, vec![Role::Director]);
        assert!(e.message().zh.contains("物业部主任"));
        assert!(e.message().en.contains("Director"));
        assert!(authorize(&set(&[Role::DepartmentStaff]), Action::EditRegistry).is_err());
        assert!(authorize(&set(&[Role::DepartmentStaff]), Action::ViewRegistry).is_ok());
        assert!(authorize(&set(&[Role::Supervisor]), Action::RunTraining).is_ok());
        assert!(authorize(&set(&[Role::Receptionist]), Action::RunTraining).is_err());
    }

    /// Issue 12, SOP §0: import, export of personal data and settling conflicts belong to the
    /// Director and the Supervisor.
    #[test]
    fn issue_12_sync_permissions_are_director_and_supervisor() {
        for a in [
            Action::ImportData,
            Action::ExportPersonalData,
            Action::SettleConflicts,
        ] {
            assert!(authorize(&set(&[Role::Director]), a).is_ok(), "{a:?}");
            assert!(authorize(&set(&[Role::Supervisor]), a).is_ok(), "{a:?}");
            for r in [
                Role::Assistant,
                Role::Receptionist,
                Role::DepartmentLead,
                Role::DepartmentStaff,
            ] {
                let e = authorize(&set(&[r]), a).unwrap_err();
                assert_eq!(e.needs, vec![Role::Director, Role::Supervisor]);
            }
        }
    }

    #[test]
    fn several_roles_combine() {
        let r = set(&[Role::DepartmentStaff, Role::Supervisor]);
        assert!(authorize(&r, Action::EditRegistry).is_ok());
        assert!(authorize(&set(&[]), Action::ViewRegistry).is_err());
    }
}
