enum DashboardScript { static let source = "" }
