using Points.Domain.Common;

namespace Points.Domain.Credit;

public static class CreditErrors
{
    /// <summary>The ONE answer a bank gets without a live consent, whatever the reason, so it learns nothing about the resident.</summary>
    public static readonly DomainError ConsentRequired = DomainError.Forbidden("credit.consent_required", "需要居民有效授权才能查询信用画像");

    public static readonly DomainError ConsentDaysInvalid = DomainError.Validation("credit.consent_days_invalid", "授权天数须在1到365天之间");
    public static readonly DomainError ConsentPurposeInvalid = DomainError.Validation("credit.consent_purpose_invalid", "请填写授权用途（不超过100字）");
    public static readonly DomainError ConsentNotFound = DomainError.NotFound("credit.consent_not_found", "找不到这项授权");
    public static readonly DomainError BankNotFound = DomainError.NotFound("credit.bank_not_found", "找不到该银行");
    public static readonly DomainError AppealTextInvalid = DomainError.Validation("credit.appeal_text_invalid", "请填写申诉内容（不超过1000字）");
    public static readonly DomainError AppealRecordRequired = DomainError.Validation("credit.appeal_record_required", "对记录有异议时请注明是哪一条记录");
    public static readonly DomainError AppealReplyInvalid = DomainError.Validation("credit.appeal_reply_invalid", "请填写答复内容（不超过1000字）");
    public static readonly DomainError AppealAlreadyAnswered = DomainError.Conflict("credit.appeal_already_answered", "该申诉已经答复");
    public static readonly DomainError AppealNotFound = DomainError.NotFound("credit.appeal_not_found", "找不到该申诉");
    public static readonly DomainError AppealOutOfScope = DomainError.Forbidden("credit.appeal_out_of_scope", "只能处理本村社（镇街）居民的申诉");
    public static readonly DomainError ModelNotFound = DomainError.NotFound("credit.model_not_found", "找不到该模型版本");
    public static readonly DomainError TooFewLabels = DomainError.Unprocessable("credit.training_too_few_labels", "贷款结果样本太少，暂不能训练新模型");
    public static readonly DomainError TrainingFailed = DomainError.Unprocessable("credit.training_failed", "训练未能得到可用的模型");
    public static readonly DomainError ModelInvalid = DomainError.Unprocessable("credit.model_invalid", "该模型版本无法加载，未启用");
    public static readonly DomainError ResidentNotFound = DomainError.NotFound("credit.resident_not_found", "找不到该居民");
}
