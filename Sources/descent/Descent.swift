import ArgumentParser

/// The `descent` command: runs optimization experiments locally or through the service.
@main
struct Descent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "descent",
        abstract: "Run and analyse numerical optimization experiments.",
        subcommands: [RunCommand.self, ServeCommand.self, SubmitCommand.self, GetCommand.self, WaitCommand.self, CancelCommand.self, TrajectoryCommand.self, StudyCommand.self, HealthCommand.self]
    )
}
