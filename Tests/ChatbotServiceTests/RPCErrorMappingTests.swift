import ChatbotEngine
import ChatbotRPC
import ChatbotService
import Testing

@Suite struct RPCErrorMappingTests {
    @Test(arguments: [
        (ErrCode.tokenInvalid, RPCError.Code.unauthenticated),
        (.signatureInvalid, .unauthenticated),
        (.botNotApproved, .permissionDenied),
        (.managerUnknown, .permissionDenied),
        (.signatureMissingUserID, .invalidArgument),
        (.signatureEmpty, .invalidArgument),
        (.signatureUserIDMissing, .invalidArgument),
        (.managementFieldEmpty, .invalidArgument),
        (.customerServiceFieldEmpty, .invalidArgument),
        (.decryptionFailed, .invalidArgument),
        (.systemError, .internalError),
        (ErrCode(rawValue: 4242), .unknown),
    ])
    func mapsErrcodesToStatusesWithTheErrcodeTrailer(errcode: ErrCode, status: RPCError.Code) {
        let error = PlatformFailure(errcode, "why").rpcError
        #expect(error == RPCError(status, "why", trailers: [("chatbot-errcode", String(errcode.rawValue))]))
    }
}
