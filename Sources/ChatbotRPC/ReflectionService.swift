internal import ChatbotProto

/// gRPC server reflection, v1 and v1alpha (`grpcurl`, Postman, grpcio's reflection client):
/// lists the services served and hands out the descriptors of the proto files that define them.
package struct ReflectionService: RPCService {
    private let serviceNames: [String]

    /// - Parameter services: The services served besides reflection itself.
    package init(services: [any RPCService]) {
        let served = RPCRouter(services: services).serviceNames
        serviceNames = served + ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]
    }

    /// What one reflection request is answered with, whichever version asked.
    enum Answer {
        case files([[UInt8]])
        case services([String])
        case extensions(type: String, numbers: [Int32])
        case error(code: RPCError.Code, message: String)
    }

    enum Question {
        case fileByName(String)
        case fileContainingSymbol(String)
        case fileContainingExtension(type: String, number: Int32)
        case extensionNumbers(type: String)
        case listServices
    }

    func answer(_ question: Question?) -> Answer {
        switch question {
        case .fileByName(let name):
            return files(name) ?? .error(code: .notFound, message: "file not found: \(name)")
        case .fileContainingSymbol(let symbol):
            guard let file = ProtoDescriptors.fileNameBySymbol[symbol] else {
                return .error(code: .notFound, message: "symbol not found: \(symbol)")
            }
            return files(file) ?? .error(code: .notFound, message: "symbol not found: \(symbol)")
        case .fileContainingExtension(let type, let number):
            return .error(code: .notFound, message: "extension not found: \(type) \(number)")
        case .extensionNumbers(let type):
            guard ProtoDescriptors.fileNameBySymbol[type] != nil else {
                return .error(code: .notFound, message: "type not found: \(type)")
            }
            return .extensions(type: type, numbers: [])
        case .listServices:
            return .services(serviceNames)
        case nil:
            return .error(code: .invalidArgument, message: "empty reflection request")
        }
    }

    /// The file's descriptor first, then those of everything it imports, each once.
    private func files(_ name: String) -> Answer? {
        guard ProtoDescriptors.fileDescriptorProtos[name] != nil else { return nil }
        var order: [String] = []
        var pending = [name]
        while let next = pending.popLast() {
            guard !order.contains(next) else { continue }
            order.append(next)
            pending += ProtoDescriptors.dependencies[next] ?? []
        }
        return .files(order.compactMap { ProtoDescriptors.fileDescriptorProtos[$0] })
    }

    package var methods: [RPCMethod] {
        [
            .bidirectionalStreaming("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo") {
                (requests: RPCReader<GrpcReflectionV1.ServerReflectionRequest>, responses, _) throws(RPCError) in
                while let request = try await requests.next() {
                    try await responses.write(Self.v1(answer(Self.question(request)), for: request))
                }
            },
            .bidirectionalStreaming("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo") {
                (requests: RPCReader<GrpcReflectionV1alpha.ServerReflectionRequest>, responses, _) throws(RPCError) in
                while let request = try await requests.next() {
                    try await responses.write(Self.v1alpha(answer(Self.question(request)), for: request))
                }
            },
        ]
    }

    // MARK: v1

    static func question(_ request: GrpcReflectionV1.ServerReflectionRequest) -> Question? {
        switch request.messageRequest {
        case .fileByFilename(let name): .fileByName(name)
        case .fileContainingSymbol(let symbol): .fileContainingSymbol(symbol)
        case .fileContainingExtension(let e):
            .fileContainingExtension(type: e.containingType, number: e.extensionNumber)
        case .allExtensionNumbersOfType(let type): .extensionNumbers(type: type)
        case .listServices: .listServices
        case nil: nil
        }
    }

    static func v1(
        _ answer: Answer,
        for request: GrpcReflectionV1.ServerReflectionRequest
    ) -> GrpcReflectionV1.ServerReflectionResponse {
        typealias V = GrpcReflectionV1
        let message: V.ServerReflectionResponse.OneOf_MessageResponse =
            switch answer {
            case .files(let files): .fileDescriptorResponse(V.FileDescriptorResponse(fileDescriptorProto: files))
            case .services(let names):
                .listServicesResponse(V.ListServiceResponse(service: names.map { V.ServiceResponse(name: $0) }))
            case .extensions(let type, let numbers):
                .allExtensionNumbersResponse(V.ExtensionNumberResponse(baseTypeName: type, extensionNumber: numbers))
            case .error(let code, let text):
                .errorResponse(V.ErrorResponse(errorCode: Int32(code.rawValue), errorMessage: text))
            }
        return V.ServerReflectionResponse(validHost: request.host, originalRequest: request, messageResponse: message)
    }

    // MARK: v1alpha (the same messages in another package)

    static func question(_ request: GrpcReflectionV1alpha.ServerReflectionRequest) -> Question? {
        switch request.messageRequest {
        case .fileByFilename(let name): .fileByName(name)
        case .fileContainingSymbol(let symbol): .fileContainingSymbol(symbol)
        case .fileContainingExtension(let e):
            .fileContainingExtension(type: e.containingType, number: e.extensionNumber)
        case .allExtensionNumbersOfType(let type): .extensionNumbers(type: type)
        case .listServices: .listServices
        case nil: nil
        }
    }

    static func v1alpha(
        _ answer: Answer,
        for request: GrpcReflectionV1alpha.ServerReflectionRequest
    ) -> GrpcReflectionV1alpha.ServerReflectionResponse {
        typealias V = GrpcReflectionV1alpha
        let message: V.ServerReflectionResponse.OneOf_MessageResponse =
            switch answer {
            case .files(let files): .fileDescriptorResponse(V.FileDescriptorResponse(fileDescriptorProto: files))
            case .services(let names):
                .listServicesResponse(V.ListServiceResponse(service: names.map { V.ServiceResponse(name: $0) }))
            case .extensions(let type, let numbers):
                .allExtensionNumbersResponse(V.ExtensionNumberResponse(baseTypeName: type, extensionNumber: numbers))
            case .error(let code, let text):
                .errorResponse(V.ErrorResponse(errorCode: Int32(code.rawValue), errorMessage: text))
            }
        return V.ServerReflectionResponse(validHost: request.host, originalRequest: request, messageResponse: message)
    }
}
