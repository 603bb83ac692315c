extension OpenAPIGateway {
    /// The labels of the dialogue routes (`/openapi/sign`, `aibot`, `message`, `dictmsg`), and of the
    /// answer to an unknown operation (`/openapi/`, a 404 wherever it is asked): with
    /// `chatbotd --admin-listen`, the gateway's only routes served on the public address.
    package static let dialogueRouteLabels: Set<String> = [
        "/openapi/sign",
        "/openapi/aibot",
        "/openapi/message",
        "/openapi/dictmsg",
        "/openapi/",
    ]

    /// The labels of the management and customer-service routes: with `chatbotd --admin-listen`,
    /// served on the admin address alone.
    ///
    /// Every route of the gateway is in exactly one of the two sets (a test checks it); a route
    /// added to neither is refused on the public address, since that one serves a list.
    package static let managementRouteLabels: Set<String> = [
        "/openapi/setautoreply",
        "/openapi/batchimportskill",
        "/openapi/publish",
        "/openapi/publish_progress",
        "/openapi/sendmsg",
        "/openapi/kefustate/get",
        "/openapi/kefustate/change",
    ]
}
