/// A platform error code, as the hosted WeChat Dialogue Open Platform returns it in `errcode`.
///
/// Unknown values are kept as they are, never trapped, so that codes from newer platform versions
/// pass through.
package struct ErrCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: Int32

    package init(rawValue: Int32) { self.rawValue = rawValue }

    /// -1: system error, the platform's code for a failure on its own side.
    package static let systemError = Self(rawValue: -1)
    /// 0: success.
    package static let ok = Self(rawValue: 0)
    /// 1001: the TOKEN names no bot.
    package static let tokenInvalid = Self(rawValue: 1001)
    /// 1002: the bot is not approved.
    package static let botNotApproved = Self(rawValue: 1002)
    /// 1003: sign was called without a userid.
    package static let signatureMissingUserID = Self(rawValue: 1003)
    /// 1004: the signature (JWT) is empty.
    package static let signatureEmpty = Self(rawValue: 1004)
    /// 1005: the signature is expired or invalid.
    package static let signatureInvalid = Self(rawValue: 1005)
    /// 1006: the signature checked out but carries no userid.
    package static let signatureUserIDMissing = Self(rawValue: 1006)
    /// 1007: appid, category, label or desc is empty.
    package static let managementFieldEmpty = Self(rawValue: 1007)
    /// 1008: appid, openid or msg is empty.
    package static let customerServiceFieldEmpty = Self(rawValue: 1008)
    /// 1013: data decryption failed.
    package static let decryptionFailed = Self(rawValue: 1013)
    /// 1015: the managerid of a management call is not one of the bot's managers.
    package static let managerUnknown = Self(rawValue: 1015)
    /// 1019: data decryption failed (the code some operations use).
    package static let decryptionFailedAlternate = Self(rawValue: 1019)

    package var description: String { String(rawValue) }
}
