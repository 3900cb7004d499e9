// DescentClient
