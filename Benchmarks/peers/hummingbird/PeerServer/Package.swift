// swift-tools-version:6.0
// Peer server for the HTTP benchmark only; never a dependency of the Descent package.
import PackageDescription

let package = Package(
    name: "PeerServer",
    platforms: [.macOS(.v14)],
    dependencies: [.package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1")],
    targets: [
        .executableTarget(name: "PeerServer", dependencies: [.product(name: "Hummingbird", package: "hummingbird")])
    ]
)
