package chatbot.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 */
@javax.annotation.Generated(
    value = "by gRPC proto compiler",
    comments = "Source: chatbot/v1/chatbot.proto")
@io.grpc.stub.annotations.GrpcGenerated
public final class ChatbotGrpc {

  private ChatbotGrpc() {}

  public static final String SERVICE_NAME = "chatbot.v1.Chatbot";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.SignRequest,
      chatbot.v1.ChatbotOuterClass.SignResponse> getSignMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Sign",
      requestType = chatbot.v1.ChatbotOuterClass.SignRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.SignResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.SignRequest,
      chatbot.v1.ChatbotOuterClass.SignResponse> getSignMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.SignRequest, chatbot.v1.ChatbotOuterClass.SignResponse> getSignMethod;
    if ((getSignMethod = ChatbotGrpc.getSignMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getSignMethod = ChatbotGrpc.getSignMethod) == null) {
          ChatbotGrpc.getSignMethod = getSignMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.SignRequest, chatbot.v1.ChatbotOuterClass.SignResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Sign"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.SignRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.SignResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("Sign"))
              .build();
        }
      }
    }
    return getSignMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.QueryRequest,
      chatbot.v1.ChatbotOuterClass.QueryResponse> getQueryMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Query",
      requestType = chatbot.v1.ChatbotOuterClass.QueryRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.QueryResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.QueryRequest,
      chatbot.v1.ChatbotOuterClass.QueryResponse> getQueryMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.QueryRequest, chatbot.v1.ChatbotOuterClass.QueryResponse> getQueryMethod;
    if ((getQueryMethod = ChatbotGrpc.getQueryMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getQueryMethod = ChatbotGrpc.getQueryMethod) == null) {
          ChatbotGrpc.getQueryMethod = getQueryMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.QueryRequest, chatbot.v1.ChatbotOuterClass.QueryResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Query"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.QueryRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.QueryResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("Query"))
              .build();
        }
      }
    }
    return getQueryMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.QueryRequest,
      chatbot.v1.ChatbotOuterClass.QueryResult> getQueryStreamMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "QueryStream",
      requestType = chatbot.v1.ChatbotOuterClass.QueryRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.QueryResult.class,
      methodType = io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.QueryRequest,
      chatbot.v1.ChatbotOuterClass.QueryResult> getQueryStreamMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.QueryRequest, chatbot.v1.ChatbotOuterClass.QueryResult> getQueryStreamMethod;
    if ((getQueryStreamMethod = ChatbotGrpc.getQueryStreamMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getQueryStreamMethod = ChatbotGrpc.getQueryStreamMethod) == null) {
          ChatbotGrpc.getQueryStreamMethod = getQueryStreamMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.QueryRequest, chatbot.v1.ChatbotOuterClass.QueryResult>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "QueryStream"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.QueryRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.QueryResult.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("QueryStream"))
              .build();
        }
      }
    }
    return getQueryStreamMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.MessageRequest,
      chatbot.v1.ChatbotOuterClass.MessageResponse> getMessageMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Message",
      requestType = chatbot.v1.ChatbotOuterClass.MessageRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.MessageResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.MessageRequest,
      chatbot.v1.ChatbotOuterClass.MessageResponse> getMessageMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.MessageRequest, chatbot.v1.ChatbotOuterClass.MessageResponse> getMessageMethod;
    if ((getMessageMethod = ChatbotGrpc.getMessageMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getMessageMethod = ChatbotGrpc.getMessageMethod) == null) {
          ChatbotGrpc.getMessageMethod = getMessageMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.MessageRequest, chatbot.v1.ChatbotOuterClass.MessageResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Message"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.MessageRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.MessageResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("Message"))
              .build();
        }
      }
    }
    return getMessageMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest,
      chatbot.v1.ChatbotOuterClass.MessageResponse> getDictMessageMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DictMessage",
      requestType = chatbot.v1.ChatbotOuterClass.EncryptedRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.MessageResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest,
      chatbot.v1.ChatbotOuterClass.MessageResponse> getDictMessageMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest, chatbot.v1.ChatbotOuterClass.MessageResponse> getDictMessageMethod;
    if ((getDictMessageMethod = ChatbotGrpc.getDictMessageMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getDictMessageMethod = ChatbotGrpc.getDictMessageMethod) == null) {
          ChatbotGrpc.getDictMessageMethod = getDictMessageMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.EncryptedRequest, chatbot.v1.ChatbotOuterClass.MessageResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DictMessage"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.EncryptedRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.MessageResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("DictMessage"))
              .build();
        }
      }
    }
    return getDictMessageMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest,
      chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse> getSetAutoReplyMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SetAutoReply",
      requestType = chatbot.v1.ChatbotOuterClass.EncryptedRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest,
      chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse> getSetAutoReplyMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest, chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse> getSetAutoReplyMethod;
    if ((getSetAutoReplyMethod = ChatbotGrpc.getSetAutoReplyMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getSetAutoReplyMethod = ChatbotGrpc.getSetAutoReplyMethod) == null) {
          ChatbotGrpc.getSetAutoReplyMethod = getSetAutoReplyMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.EncryptedRequest, chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SetAutoReply"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.EncryptedRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("SetAutoReply"))
              .build();
        }
      }
    }
    return getSetAutoReplyMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest,
      chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse> getBatchImportSkillMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "BatchImportSkill",
      requestType = chatbot.v1.ChatbotOuterClass.EncryptedRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest,
      chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse> getBatchImportSkillMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest, chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse> getBatchImportSkillMethod;
    if ((getBatchImportSkillMethod = ChatbotGrpc.getBatchImportSkillMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getBatchImportSkillMethod = ChatbotGrpc.getBatchImportSkillMethod) == null) {
          ChatbotGrpc.getBatchImportSkillMethod = getBatchImportSkillMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.EncryptedRequest, chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "BatchImportSkill"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.EncryptedRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("BatchImportSkill"))
              .build();
        }
      }
    }
    return getBatchImportSkillMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.PublishRequest,
      chatbot.v1.ChatbotOuterClass.PublishResponse> getPublishMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Publish",
      requestType = chatbot.v1.ChatbotOuterClass.PublishRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.PublishResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.PublishRequest,
      chatbot.v1.ChatbotOuterClass.PublishResponse> getPublishMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.PublishRequest, chatbot.v1.ChatbotOuterClass.PublishResponse> getPublishMethod;
    if ((getPublishMethod = ChatbotGrpc.getPublishMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getPublishMethod = ChatbotGrpc.getPublishMethod) == null) {
          ChatbotGrpc.getPublishMethod = getPublishMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.PublishRequest, chatbot.v1.ChatbotOuterClass.PublishResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Publish"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.PublishRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.PublishResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("Publish"))
              .build();
        }
      }
    }
    return getPublishMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.PublishProgressRequest,
      chatbot.v1.ChatbotOuterClass.PublishProgressResponse> getPublishProgressMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "PublishProgress",
      requestType = chatbot.v1.ChatbotOuterClass.PublishProgressRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.PublishProgressResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.PublishProgressRequest,
      chatbot.v1.ChatbotOuterClass.PublishProgressResponse> getPublishProgressMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.PublishProgressRequest, chatbot.v1.ChatbotOuterClass.PublishProgressResponse> getPublishProgressMethod;
    if ((getPublishProgressMethod = ChatbotGrpc.getPublishProgressMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getPublishProgressMethod = ChatbotGrpc.getPublishProgressMethod) == null) {
          ChatbotGrpc.getPublishProgressMethod = getPublishProgressMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.PublishProgressRequest, chatbot.v1.ChatbotOuterClass.PublishProgressResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "PublishProgress"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.PublishProgressRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.PublishProgressResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("PublishProgress"))
              .build();
        }
      }
    }
    return getPublishProgressMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest,
      chatbot.v1.ChatbotOuterClass.SendMessageResponse> getSendMessageMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SendMessage",
      requestType = chatbot.v1.ChatbotOuterClass.EncryptedRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.SendMessageResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest,
      chatbot.v1.ChatbotOuterClass.SendMessageResponse> getSendMessageMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.EncryptedRequest, chatbot.v1.ChatbotOuterClass.SendMessageResponse> getSendMessageMethod;
    if ((getSendMessageMethod = ChatbotGrpc.getSendMessageMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getSendMessageMethod = ChatbotGrpc.getSendMessageMethod) == null) {
          ChatbotGrpc.getSendMessageMethod = getSendMessageMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.EncryptedRequest, chatbot.v1.ChatbotOuterClass.SendMessageResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SendMessage"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.EncryptedRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.SendMessageResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("SendMessage"))
              .build();
        }
      }
    }
    return getSendMessageMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.KefuStateRequest,
      chatbot.v1.ChatbotOuterClass.KefuStateResponse> getGetKefuStateMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetKefuState",
      requestType = chatbot.v1.ChatbotOuterClass.KefuStateRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.KefuStateResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.KefuStateRequest,
      chatbot.v1.ChatbotOuterClass.KefuStateResponse> getGetKefuStateMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.KefuStateRequest, chatbot.v1.ChatbotOuterClass.KefuStateResponse> getGetKefuStateMethod;
    if ((getGetKefuStateMethod = ChatbotGrpc.getGetKefuStateMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getGetKefuStateMethod = ChatbotGrpc.getGetKefuStateMethod) == null) {
          ChatbotGrpc.getGetKefuStateMethod = getGetKefuStateMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.KefuStateRequest, chatbot.v1.ChatbotOuterClass.KefuStateResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetKefuState"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.KefuStateRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.KefuStateResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("GetKefuState"))
              .build();
        }
      }
    }
    return getGetKefuStateMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest,
      chatbot.v1.ChatbotOuterClass.KefuStateResponse> getChangeKefuStateMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ChangeKefuState",
      requestType = chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.KefuStateResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest,
      chatbot.v1.ChatbotOuterClass.KefuStateResponse> getChangeKefuStateMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest, chatbot.v1.ChatbotOuterClass.KefuStateResponse> getChangeKefuStateMethod;
    if ((getChangeKefuStateMethod = ChatbotGrpc.getChangeKefuStateMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getChangeKefuStateMethod = ChatbotGrpc.getChangeKefuStateMethod) == null) {
          ChatbotGrpc.getChangeKefuStateMethod = getChangeKefuStateMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest, chatbot.v1.ChatbotOuterClass.KefuStateResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ChangeKefuState"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.KefuStateResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("ChangeKefuState"))
              .build();
        }
      }
    }
    return getChangeKefuStateMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest,
      chatbot.v1.ChatbotOuterClass.OutboxMessage> getSubscribeOutboxMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SubscribeOutbox",
      requestType = chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.OutboxMessage.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest,
      chatbot.v1.ChatbotOuterClass.OutboxMessage> getSubscribeOutboxMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest, chatbot.v1.ChatbotOuterClass.OutboxMessage> getSubscribeOutboxMethod;
    if ((getSubscribeOutboxMethod = ChatbotGrpc.getSubscribeOutboxMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getSubscribeOutboxMethod = ChatbotGrpc.getSubscribeOutboxMethod) == null) {
          ChatbotGrpc.getSubscribeOutboxMethod = getSubscribeOutboxMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest, chatbot.v1.ChatbotOuterClass.OutboxMessage>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SubscribeOutbox"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.OutboxMessage.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("SubscribeOutbox"))
              .build();
        }
      }
    }
    return getSubscribeOutboxMethod;
  }

  private static volatile io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.ListUnansweredRequest,
      chatbot.v1.ChatbotOuterClass.ListUnansweredResponse> getListUnansweredMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListUnanswered",
      requestType = chatbot.v1.ChatbotOuterClass.ListUnansweredRequest.class,
      responseType = chatbot.v1.ChatbotOuterClass.ListUnansweredResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.ListUnansweredRequest,
      chatbot.v1.ChatbotOuterClass.ListUnansweredResponse> getListUnansweredMethod() {
    io.grpc.MethodDescriptor<chatbot.v1.ChatbotOuterClass.ListUnansweredRequest, chatbot.v1.ChatbotOuterClass.ListUnansweredResponse> getListUnansweredMethod;
    if ((getListUnansweredMethod = ChatbotGrpc.getListUnansweredMethod) == null) {
      synchronized (ChatbotGrpc.class) {
        if ((getListUnansweredMethod = ChatbotGrpc.getListUnansweredMethod) == null) {
          ChatbotGrpc.getListUnansweredMethod = getListUnansweredMethod =
              io.grpc.MethodDescriptor.<chatbot.v1.ChatbotOuterClass.ListUnansweredRequest, chatbot.v1.ChatbotOuterClass.ListUnansweredResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListUnanswered"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.ListUnansweredRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  chatbot.v1.ChatbotOuterClass.ListUnansweredResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatbotMethodDescriptorSupplier("ListUnanswered"))
              .build();
        }
      }
    }
    return getListUnansweredMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static ChatbotStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ChatbotStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ChatbotStub>() {
        @java.lang.Override
        public ChatbotStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ChatbotStub(channel, callOptions);
        }
      };
    return ChatbotStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static ChatbotBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ChatbotBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ChatbotBlockingStub>() {
        @java.lang.Override
        public ChatbotBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ChatbotBlockingStub(channel, callOptions);
        }
      };
    return ChatbotBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static ChatbotFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ChatbotFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ChatbotFutureStub>() {
        @java.lang.Override
        public ChatbotFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ChatbotFutureStub(channel, callOptions);
        }
      };
    return ChatbotFutureStub.newStub(factory, channel);
  }

  /**
   */
  public static abstract class ChatbotImplBase implements io.grpc.BindableService {

    /**
     * <pre>
     * Issues an HS256 JWT for a user, keyed with the bot's EncodingAESKey (/openapi/sign).
     * </pre>
     */
    public void sign(chatbot.v1.ChatbotOuterClass.SignRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.SignResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSignMethod(), responseObserver);
    }

    /**
     * <pre>
     * Matches a user's question and answers it (/openapi/aibot).
     * </pre>
     */
    public void query(chatbot.v1.ChatbotOuterClass.QueryRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.QueryResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getQueryMethod(), responseObserver);
    }

    /**
     * <pre>
     * Many queries over one stream, answered in order, each echoing its request_id.
     * </pre>
     */
    public io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.QueryRequest> queryStream(
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.QueryResult> responseObserver) {
      return io.grpc.stub.ServerCalls.asyncUnimplementedStreamingCall(getQueryStreamMethod(), responseObserver);
    }

    /**
     * <pre>
     * The legacy dialogue call: query = JWT{username, msg} (/openapi/message).
     * </pre>
     */
    public void message(chatbot.v1.ChatbotOuterClass.MessageRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.MessageResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getMessageMethod(), responseObserver);
    }

    /**
     * <pre>
     * Encrypted JSON {username, msg, svrinfo.real_time_slot_candidates} (/openapi/dictmsg): the
     * legacy answer, with the slots the per-request dictionaries filled.
     * </pre>
     */
    public void dictMessage(chatbot.v1.ChatbotOuterClass.EncryptedRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.MessageResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDictMessageMethod(), responseObserver);
    }

    /**
     * <pre>
     * Encrypted XML {managerid, skillname, title, content, question*}: upserts one FAQ entry.
     * </pre>
     */
    public void setAutoReply(chatbot.v1.ChatbotOuterClass.EncryptedRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSetAutoReplyMethod(), responseObserver);
    }

    /**
     * <pre>
     * Encrypted skills to import, mode 0 append/upsert or 1 replace all (/openapi/batchimportskill).
     * </pre>
     */
    public void batchImportSkill(chatbot.v1.ChatbotOuterClass.EncryptedRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getBatchImportSkillMethod(), responseObserver);
    }

    /**
     * <pre>
     * Publishes the draft knowledge base (env debug) as the online one.
     * </pre>
     */
    public void publish(chatbot.v1.ChatbotOuterClass.PublishRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.PublishResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPublishMethod(), responseObserver);
    }

    /**
     */
    public void publishProgress(chatbot.v1.ChatbotOuterClass.PublishProgressRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.PublishProgressResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPublishProgressMethod(), responseObserver);
    }

    /**
     * <pre>
     * Encrypted XML {appid, openid, msg, channel, event, kefuname, kefuavatar, ans_node_name}: a
     * customer-service message to a user (/openapi/sendmsg); events move the handoff state.
     * </pre>
     */
    public void sendMessage(chatbot.v1.ChatbotOuterClass.EncryptedRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.SendMessageResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSendMessageMethod(), responseObserver);
    }

    /**
     * <pre>
     * The handoff state of a user (/openapi/kefustate/get). Needs a call credential.
     * </pre>
     */
    public void getKefuState(chatbot.v1.ChatbotOuterClass.KefuStateRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.KefuStateResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetKefuStateMethod(), responseObserver);
    }

    /**
     * <pre>
     * Sets the handoff state of a user (/openapi/kefustate/change). Needs a call credential.
     * </pre>
     */
    public void changeKefuState(chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.KefuStateResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getChangeKefuStateMethod(), responseObserver);
    }

    /**
     * <pre>
     * The messages to users (sendmsg's, rating prompts) for channel adapters: everything after
     * after_seq, then each as it is committed. Needs a call credential.
     * </pre>
     */
    public void subscribeOutbox(chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.OutboxMessage> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSubscribeOutboxMethod(), responseObserver);
    }

    /**
     * <pre>
     * The questions the bot could not answer (NOMATCH) or only recommended entries for, grouped by
     * normalised text, most asked first. Needs a call credential.
     * </pre>
     */
    public void listUnanswered(chatbot.v1.ChatbotOuterClass.ListUnansweredRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.ListUnansweredResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListUnansweredMethod(), responseObserver);
    }

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
          .addMethod(
            getSignMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.SignRequest,
                chatbot.v1.ChatbotOuterClass.SignResponse>(
                  this, METHODID_SIGN)))
          .addMethod(
            getQueryMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.QueryRequest,
                chatbot.v1.ChatbotOuterClass.QueryResponse>(
                  this, METHODID_QUERY)))
          .addMethod(
            getQueryStreamMethod(),
            io.grpc.stub.ServerCalls.asyncBidiStreamingCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.QueryRequest,
                chatbot.v1.ChatbotOuterClass.QueryResult>(
                  this, METHODID_QUERY_STREAM)))
          .addMethod(
            getMessageMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.MessageRequest,
                chatbot.v1.ChatbotOuterClass.MessageResponse>(
                  this, METHODID_MESSAGE)))
          .addMethod(
            getDictMessageMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.EncryptedRequest,
                chatbot.v1.ChatbotOuterClass.MessageResponse>(
                  this, METHODID_DICT_MESSAGE)))
          .addMethod(
            getSetAutoReplyMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.EncryptedRequest,
                chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse>(
                  this, METHODID_SET_AUTO_REPLY)))
          .addMethod(
            getBatchImportSkillMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.EncryptedRequest,
                chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse>(
                  this, METHODID_BATCH_IMPORT_SKILL)))
          .addMethod(
            getPublishMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.PublishRequest,
                chatbot.v1.ChatbotOuterClass.PublishResponse>(
                  this, METHODID_PUBLISH)))
          .addMethod(
            getPublishProgressMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.PublishProgressRequest,
                chatbot.v1.ChatbotOuterClass.PublishProgressResponse>(
                  this, METHODID_PUBLISH_PROGRESS)))
          .addMethod(
            getSendMessageMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.EncryptedRequest,
                chatbot.v1.ChatbotOuterClass.SendMessageResponse>(
                  this, METHODID_SEND_MESSAGE)))
          .addMethod(
            getGetKefuStateMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.KefuStateRequest,
                chatbot.v1.ChatbotOuterClass.KefuStateResponse>(
                  this, METHODID_GET_KEFU_STATE)))
          .addMethod(
            getChangeKefuStateMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest,
                chatbot.v1.ChatbotOuterClass.KefuStateResponse>(
                  this, METHODID_CHANGE_KEFU_STATE)))
          .addMethod(
            getSubscribeOutboxMethod(),
            io.grpc.stub.ServerCalls.asyncServerStreamingCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest,
                chatbot.v1.ChatbotOuterClass.OutboxMessage>(
                  this, METHODID_SUBSCRIBE_OUTBOX)))
          .addMethod(
            getListUnansweredMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                chatbot.v1.ChatbotOuterClass.ListUnansweredRequest,
                chatbot.v1.ChatbotOuterClass.ListUnansweredResponse>(
                  this, METHODID_LIST_UNANSWERED)))
          .build();
    }
  }

  /**
   */
  public static final class ChatbotStub extends io.grpc.stub.AbstractAsyncStub<ChatbotStub> {
    private ChatbotStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ChatbotStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ChatbotStub(channel, callOptions);
    }

    /**
     * <pre>
     * Issues an HS256 JWT for a user, keyed with the bot's EncodingAESKey (/openapi/sign).
     * </pre>
     */
    public void sign(chatbot.v1.ChatbotOuterClass.SignRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.SignResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSignMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Matches a user's question and answers it (/openapi/aibot).
     * </pre>
     */
    public void query(chatbot.v1.ChatbotOuterClass.QueryRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.QueryResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getQueryMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Many queries over one stream, answered in order, each echoing its request_id.
     * </pre>
     */
    public io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.QueryRequest> queryStream(
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.QueryResult> responseObserver) {
      return io.grpc.stub.ClientCalls.asyncBidiStreamingCall(
          getChannel().newCall(getQueryStreamMethod(), getCallOptions()), responseObserver);
    }

    /**
     * <pre>
     * The legacy dialogue call: query = JWT{username, msg} (/openapi/message).
     * </pre>
     */
    public void message(chatbot.v1.ChatbotOuterClass.MessageRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.MessageResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getMessageMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Encrypted JSON {username, msg, svrinfo.real_time_slot_candidates} (/openapi/dictmsg): the
     * legacy answer, with the slots the per-request dictionaries filled.
     * </pre>
     */
    public void dictMessage(chatbot.v1.ChatbotOuterClass.EncryptedRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.MessageResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDictMessageMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Encrypted XML {managerid, skillname, title, content, question*}: upserts one FAQ entry.
     * </pre>
     */
    public void setAutoReply(chatbot.v1.ChatbotOuterClass.EncryptedRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSetAutoReplyMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Encrypted skills to import, mode 0 append/upsert or 1 replace all (/openapi/batchimportskill).
     * </pre>
     */
    public void batchImportSkill(chatbot.v1.ChatbotOuterClass.EncryptedRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getBatchImportSkillMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Publishes the draft knowledge base (env debug) as the online one.
     * </pre>
     */
    public void publish(chatbot.v1.ChatbotOuterClass.PublishRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.PublishResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPublishMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     */
    public void publishProgress(chatbot.v1.ChatbotOuterClass.PublishProgressRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.PublishProgressResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPublishProgressMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Encrypted XML {appid, openid, msg, channel, event, kefuname, kefuavatar, ans_node_name}: a
     * customer-service message to a user (/openapi/sendmsg); events move the handoff state.
     * </pre>
     */
    public void sendMessage(chatbot.v1.ChatbotOuterClass.EncryptedRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.SendMessageResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSendMessageMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * The handoff state of a user (/openapi/kefustate/get). Needs a call credential.
     * </pre>
     */
    public void getKefuState(chatbot.v1.ChatbotOuterClass.KefuStateRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.KefuStateResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetKefuStateMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Sets the handoff state of a user (/openapi/kefustate/change). Needs a call credential.
     * </pre>
     */
    public void changeKefuState(chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.KefuStateResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getChangeKefuStateMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * The messages to users (sendmsg's, rating prompts) for channel adapters: everything after
     * after_seq, then each as it is committed. Needs a call credential.
     * </pre>
     */
    public void subscribeOutbox(chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.OutboxMessage> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getSubscribeOutboxMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * The questions the bot could not answer (NOMATCH) or only recommended entries for, grouped by
     * normalised text, most asked first. Needs a call credential.
     * </pre>
     */
    public void listUnanswered(chatbot.v1.ChatbotOuterClass.ListUnansweredRequest request,
        io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.ListUnansweredResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListUnansweredMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   */
  public static final class ChatbotBlockingStub extends io.grpc.stub.AbstractBlockingStub<ChatbotBlockingStub> {
    private ChatbotBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ChatbotBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ChatbotBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Issues an HS256 JWT for a user, keyed with the bot's EncodingAESKey (/openapi/sign).
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.SignResponse sign(chatbot.v1.ChatbotOuterClass.SignRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSignMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Matches a user's question and answers it (/openapi/aibot).
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.QueryResponse query(chatbot.v1.ChatbotOuterClass.QueryRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getQueryMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * The legacy dialogue call: query = JWT{username, msg} (/openapi/message).
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.MessageResponse message(chatbot.v1.ChatbotOuterClass.MessageRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getMessageMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Encrypted JSON {username, msg, svrinfo.real_time_slot_candidates} (/openapi/dictmsg): the
     * legacy answer, with the slots the per-request dictionaries filled.
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.MessageResponse dictMessage(chatbot.v1.ChatbotOuterClass.EncryptedRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDictMessageMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Encrypted XML {managerid, skillname, title, content, question*}: upserts one FAQ entry.
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse setAutoReply(chatbot.v1.ChatbotOuterClass.EncryptedRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSetAutoReplyMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Encrypted skills to import, mode 0 append/upsert or 1 replace all (/openapi/batchimportskill).
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse batchImportSkill(chatbot.v1.ChatbotOuterClass.EncryptedRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getBatchImportSkillMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Publishes the draft knowledge base (env debug) as the online one.
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.PublishResponse publish(chatbot.v1.ChatbotOuterClass.PublishRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPublishMethod(), getCallOptions(), request);
    }

    /**
     */
    public chatbot.v1.ChatbotOuterClass.PublishProgressResponse publishProgress(chatbot.v1.ChatbotOuterClass.PublishProgressRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPublishProgressMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Encrypted XML {appid, openid, msg, channel, event, kefuname, kefuavatar, ans_node_name}: a
     * customer-service message to a user (/openapi/sendmsg); events move the handoff state.
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.SendMessageResponse sendMessage(chatbot.v1.ChatbotOuterClass.EncryptedRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSendMessageMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * The handoff state of a user (/openapi/kefustate/get). Needs a call credential.
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.KefuStateResponse getKefuState(chatbot.v1.ChatbotOuterClass.KefuStateRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetKefuStateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sets the handoff state of a user (/openapi/kefustate/change). Needs a call credential.
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.KefuStateResponse changeKefuState(chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getChangeKefuStateMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * The messages to users (sendmsg's, rating prompts) for channel adapters: everything after
     * after_seq, then each as it is committed. Needs a call credential.
     * </pre>
     */
    public java.util.Iterator<chatbot.v1.ChatbotOuterClass.OutboxMessage> subscribeOutbox(
        chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getSubscribeOutboxMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * The questions the bot could not answer (NOMATCH) or only recommended entries for, grouped by
     * normalised text, most asked first. Needs a call credential.
     * </pre>
     */
    public chatbot.v1.ChatbotOuterClass.ListUnansweredResponse listUnanswered(chatbot.v1.ChatbotOuterClass.ListUnansweredRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListUnansweredMethod(), getCallOptions(), request);
    }
  }

  /**
   */
  public static final class ChatbotFutureStub extends io.grpc.stub.AbstractFutureStub<ChatbotFutureStub> {
    private ChatbotFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ChatbotFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ChatbotFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Issues an HS256 JWT for a user, keyed with the bot's EncodingAESKey (/openapi/sign).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.SignResponse> sign(
        chatbot.v1.ChatbotOuterClass.SignRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSignMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Matches a user's question and answers it (/openapi/aibot).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.QueryResponse> query(
        chatbot.v1.ChatbotOuterClass.QueryRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getQueryMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * The legacy dialogue call: query = JWT{username, msg} (/openapi/message).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.MessageResponse> message(
        chatbot.v1.ChatbotOuterClass.MessageRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getMessageMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Encrypted JSON {username, msg, svrinfo.real_time_slot_candidates} (/openapi/dictmsg): the
     * legacy answer, with the slots the per-request dictionaries filled.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.MessageResponse> dictMessage(
        chatbot.v1.ChatbotOuterClass.EncryptedRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDictMessageMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Encrypted XML {managerid, skillname, title, content, question*}: upserts one FAQ entry.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse> setAutoReply(
        chatbot.v1.ChatbotOuterClass.EncryptedRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSetAutoReplyMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Encrypted skills to import, mode 0 append/upsert or 1 replace all (/openapi/batchimportskill).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse> batchImportSkill(
        chatbot.v1.ChatbotOuterClass.EncryptedRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getBatchImportSkillMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Publishes the draft knowledge base (env debug) as the online one.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.PublishResponse> publish(
        chatbot.v1.ChatbotOuterClass.PublishRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPublishMethod(), getCallOptions()), request);
    }

    /**
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.PublishProgressResponse> publishProgress(
        chatbot.v1.ChatbotOuterClass.PublishProgressRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPublishProgressMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Encrypted XML {appid, openid, msg, channel, event, kefuname, kefuavatar, ans_node_name}: a
     * customer-service message to a user (/openapi/sendmsg); events move the handoff state.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.SendMessageResponse> sendMessage(
        chatbot.v1.ChatbotOuterClass.EncryptedRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSendMessageMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * The handoff state of a user (/openapi/kefustate/get). Needs a call credential.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.KefuStateResponse> getKefuState(
        chatbot.v1.ChatbotOuterClass.KefuStateRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetKefuStateMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Sets the handoff state of a user (/openapi/kefustate/change). Needs a call credential.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.KefuStateResponse> changeKefuState(
        chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getChangeKefuStateMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * The questions the bot could not answer (NOMATCH) or only recommended entries for, grouped by
     * normalised text, most asked first. Needs a call credential.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<chatbot.v1.ChatbotOuterClass.ListUnansweredResponse> listUnanswered(
        chatbot.v1.ChatbotOuterClass.ListUnansweredRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListUnansweredMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_SIGN = 0;
  private static final int METHODID_QUERY = 1;
  private static final int METHODID_MESSAGE = 2;
  private static final int METHODID_DICT_MESSAGE = 3;
  private static final int METHODID_SET_AUTO_REPLY = 4;
  private static final int METHODID_BATCH_IMPORT_SKILL = 5;
  private static final int METHODID_PUBLISH = 6;
  private static final int METHODID_PUBLISH_PROGRESS = 7;
  private static final int METHODID_SEND_MESSAGE = 8;
  private static final int METHODID_GET_KEFU_STATE = 9;
  private static final int METHODID_CHANGE_KEFU_STATE = 10;
  private static final int METHODID_SUBSCRIBE_OUTBOX = 11;
  private static final int METHODID_LIST_UNANSWERED = 12;
  private static final int METHODID_QUERY_STREAM = 13;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final ChatbotImplBase serviceImpl;
    private final int methodId;

    MethodHandlers(ChatbotImplBase serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_SIGN:
          serviceImpl.sign((chatbot.v1.ChatbotOuterClass.SignRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.SignResponse>) responseObserver);
          break;
        case METHODID_QUERY:
          serviceImpl.query((chatbot.v1.ChatbotOuterClass.QueryRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.QueryResponse>) responseObserver);
          break;
        case METHODID_MESSAGE:
          serviceImpl.message((chatbot.v1.ChatbotOuterClass.MessageRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.MessageResponse>) responseObserver);
          break;
        case METHODID_DICT_MESSAGE:
          serviceImpl.dictMessage((chatbot.v1.ChatbotOuterClass.EncryptedRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.MessageResponse>) responseObserver);
          break;
        case METHODID_SET_AUTO_REPLY:
          serviceImpl.setAutoReply((chatbot.v1.ChatbotOuterClass.EncryptedRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.SetAutoReplyResponse>) responseObserver);
          break;
        case METHODID_BATCH_IMPORT_SKILL:
          serviceImpl.batchImportSkill((chatbot.v1.ChatbotOuterClass.EncryptedRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.BatchImportSkillResponse>) responseObserver);
          break;
        case METHODID_PUBLISH:
          serviceImpl.publish((chatbot.v1.ChatbotOuterClass.PublishRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.PublishResponse>) responseObserver);
          break;
        case METHODID_PUBLISH_PROGRESS:
          serviceImpl.publishProgress((chatbot.v1.ChatbotOuterClass.PublishProgressRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.PublishProgressResponse>) responseObserver);
          break;
        case METHODID_SEND_MESSAGE:
          serviceImpl.sendMessage((chatbot.v1.ChatbotOuterClass.EncryptedRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.SendMessageResponse>) responseObserver);
          break;
        case METHODID_GET_KEFU_STATE:
          serviceImpl.getKefuState((chatbot.v1.ChatbotOuterClass.KefuStateRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.KefuStateResponse>) responseObserver);
          break;
        case METHODID_CHANGE_KEFU_STATE:
          serviceImpl.changeKefuState((chatbot.v1.ChatbotOuterClass.ChangeKefuStateRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.KefuStateResponse>) responseObserver);
          break;
        case METHODID_SUBSCRIBE_OUTBOX:
          serviceImpl.subscribeOutbox((chatbot.v1.ChatbotOuterClass.SubscribeOutboxRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.OutboxMessage>) responseObserver);
          break;
        case METHODID_LIST_UNANSWERED:
          serviceImpl.listUnanswered((chatbot.v1.ChatbotOuterClass.ListUnansweredRequest) request,
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.ListUnansweredResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_QUERY_STREAM:
          return (io.grpc.stub.StreamObserver<Req>) serviceImpl.queryStream(
              (io.grpc.stub.StreamObserver<chatbot.v1.ChatbotOuterClass.QueryResult>) responseObserver);
        default:
          throw new AssertionError();
      }
    }
  }

  private static abstract class ChatbotBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    ChatbotBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return chatbot.v1.ChatbotOuterClass.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("Chatbot");
    }
  }

  private static final class ChatbotFileDescriptorSupplier
      extends ChatbotBaseDescriptorSupplier {
    ChatbotFileDescriptorSupplier() {}
  }

  private static final class ChatbotMethodDescriptorSupplier
      extends ChatbotBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final String methodName;

    ChatbotMethodDescriptorSupplier(String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (ChatbotGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new ChatbotFileDescriptorSupplier())
              .addMethod(getSignMethod())
              .addMethod(getQueryMethod())
              .addMethod(getQueryStreamMethod())
              .addMethod(getMessageMethod())
              .addMethod(getDictMessageMethod())
              .addMethod(getSetAutoReplyMethod())
              .addMethod(getBatchImportSkillMethod())
              .addMethod(getPublishMethod())
              .addMethod(getPublishProgressMethod())
              .addMethod(getSendMessageMethod())
              .addMethod(getGetKefuStateMethod())
              .addMethod(getChangeKefuStateMethod())
              .addMethod(getSubscribeOutboxMethod())
              .addMethod(getListUnansweredMethod())
              .build();
        }
      }
    }
    return result;
  }
}
