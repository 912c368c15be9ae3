// The RFC vector files in testdata/, shared with the Rust, Kotlin and Python
// tests. Read from the repository at run time (the package is tested in place).

import Foundation
import XCTest

@testable import Otpcore

/// testdata/rfc4226.json: RFC 4226 Appendix D.
struct Rfc4226File: Decodable {
    let algorithm: String
    let digits: UInt32
    let secretHex: String
    let secretBase32: String
    let vectors: [Vector]

    struct Vector: Decodable {
        let counter: UInt64
        let code: String
    }
}

/// testdata/rfc6238.json: RFC 6238 Appendix B, one seed per algorithm.
struct Rfc6238File: Decodable {
    let digits: UInt32
    let period: UInt64
    let t0: UInt64
    let vectors: [Vector]

    struct Vector: Decodable {
        let time: UInt64
        let step: UInt64
        let algorithm: String
        let secretHex: String
        let secretBase32: String
        let code: String
    }
}

enum Vectors {
    /// `<repo>/testdata`, found from this file's path
    /// (`<repo>/bindings/swift/Tests/OtpcoreTests/Vectors.swift`).
    static let dataDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // OtpcoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // swift
        .deletingLastPathComponent()  // bindings
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("testdata")

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: dataDirectory.appendingPathComponent(name))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }

    static func rfc4226() throws -> Rfc4226File { try load("rfc4226.json", as: Rfc4226File.self) }
    static func rfc6238() throws -> Rfc6238File { try load("rfc6238.json", as: Rfc6238File.self) }
}

/// The bytes of a hex string such as `"3132…"`.
func bytes(hex: String) -> Data {
    var out = Data()
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        out.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return out
}

/// The `Algorithm` named in a vector file (`"SHA1"`, `"SHA256"`, `"SHA512"`).
func algorithm(named name: String) -> Algorithm {
    switch name {
    case "SHA1": return .sha1
    case "SHA256": return .sha256
    case "SHA512": return .sha512
    default: fatalError("unknown algorithm \(name) in a vector file")
    }
}
