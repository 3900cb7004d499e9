import Testing

@Test func placeholderDescentCoreTests() { #expect(Bool(true)) }
