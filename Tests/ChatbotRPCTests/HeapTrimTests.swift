import Testing

@testable import ChatbotRPC

@Suite struct HeapTrimTests {
    @Test func trimsOnlyOverTheThreshold() {
        #expect(HeapTrim.trim(ifFreeOver: .max) == nil)
        // Any amount free is over -1: the trim runs and says how much was free.
        #expect((HeapTrim.trim(ifFreeOver: -1) ?? -1) >= 0)
    }
}
