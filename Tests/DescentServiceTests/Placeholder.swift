import Testing

@Test func placeholderDescentServiceTests() { #expect(Bool(true)) }
