import Testing

@Test func placeholderDescentHTTPTests() { #expect(Bool(true)) }
