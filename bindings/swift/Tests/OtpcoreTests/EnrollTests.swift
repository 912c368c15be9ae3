// Enrollment: QR codes of otpauth URIs, Google Authenticator export import and
// Steam Guard codes, against the shared vectors in testdata (migration.json,
// steam.json). The PNG's content is decoded by the Rust, Kotlin (ZXing) and
// Python (zxing-cpp) suites; here its header and size are checked.

import Foundation
import XCTest

@testable import Otpcore

/// testdata/migration.json: exports built with Python's protobuf and public samples.
struct MigrationFile: Decodable {
    let valid: [Valid]
    let invalid: [Invalid]

    struct Valid: Decodable {
        let uri: String
        let version: Int32
        let batchSize: Int32
        let batchIndex: Int32
        let batchId: Int32
        let accounts: [Account]
    }

    struct Account: Decodable {
        let type: String
        let issuer: String?
        let account: String
        let secretBase32: String
        let algorithm: String
        let digits: UInt32
        let counter: UInt64?
    }

    struct Invalid: Decodable {
        let uri: String
    }
}

/// testdata/steam.json: Steam Guard codes computed by pyotp's `contrib.Steam`.
struct SteamFile: Decodable {
    let vectors: [Vector]

    struct Vector: Decodable {
        let secretHex: String
        let time: UInt64
        let step: UInt64
        let code: String
    }
}

final class EnrollTests: XCTestCase {
    private let demo =
        "otpauth://totp/Example:alice%40example.com?secret=DEMODEMODEMODEMODEMODEMODEMODEMO"
        + "&issuer=Example&algorithm=SHA1&digits=6&period=30"

    func testQrPngAndSvg() throws {
        let uri = try KeyUri.parse(uri: demo)
        let png = try uri.qrPng(scale: 4)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR width, big-endian at offset 16: version 8 (49 modules) + 8 quiet, 4 px each.
        let width = png[16..<20].reduce(0) { $0 << 8 | UInt32($1) }
        XCTAssertEqual(width, 57 * 4)
        let svg = try uri.qrSvg()
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg)
        XCTAssertTrue(svg.contains("viewBox=\"0 0 57 57\""))
        XCTAssertThrowsOtpError(try uri.qrPng(scale: 0)) {
            if case .InvalidQrScale = $0 { return true } else { return false }
        }
        let long = try KeyUri.totp(
            secret: try Secret.fromBytes(bytes: Data(count: 20)), issuer: "X",
            account: String(repeating: "a", count: 2400))
        XCTAssertThrowsOtpError(try long.qrSvg()) {
            if case .QrTooLong = $0 { return true } else { return false }
        }
    }

    func testImportMigrationVectors() throws {
        let file = try Vectors.load("migration.json", as: MigrationFile.self)
        XCTAssertEqual(file.valid.count, 10)
        for vector in file.valid {
            let batch = try importMigration(uri: vector.uri)
            XCTAssertEqual(
                [batch.version, batch.batchSize, batch.batchIndex, batch.batchId],
                [vector.version, vector.batchSize, vector.batchIndex, vector.batchId])
            XCTAssertEqual(batch.accounts.count, vector.accounts.count)
            for (got, want) in zip(batch.accounts, vector.accounts) {
                XCTAssertEqual(got.account(), want.account)
                XCTAssertEqual(got.issuer(), want.issuer)
                XCTAssertEqual(got.secret().exposeBase32(), want.secretBase32)
                XCTAssertEqual(got.algorithm(), algorithm(named: want.algorithm))
                XCTAssertEqual(got.digits(), want.digits)
                let kind: OtpKind =
                    want.type == "totp" ? .totp(period: 30) : .hotp(counter: want.counter ?? 0)
                XCTAssertEqual(got.kind(), kind)
            }
        }
        for vector in file.invalid {
            XCTAssertThrowsOtpError(try importMigration(uri: vector.uri)) {
                guard case .InvalidMigration(let message) = $0 else { return false }
                return !message.contains("eve") && !message.contains("Acme")
            }
        }
    }

    func testSteamVectors() throws {
        let file = try Vectors.load("steam.json", as: SteamFile.self)
        XCTAssertEqual(file.vectors.count, 45)
        for vector in file.vectors {
            let steam = Steam(
                secret: try Secret.fromBytesWithPolicy(
                    bytes: bytes(hex: vector.secretHex), policy: .legacy))
            XCTAssertEqual(try steam.generateAt(at: vector.time), vector.code)
            let match = try steam.verifyAt(code: vector.code.lowercased(), at: vector.time + 30)
            XCTAssertEqual(match, Match(step: vector.step, offset: -1))
        }
        let steam = Steam(secret: try Secret.fromBytes(bytes: Data("12345678901234567890".utf8)))
        XCTAssertThrowsOtpError(try steam.verifyAt(code: "287082", at: 59)) {
            if case .MalformedCode = $0 { return true } else { return false }
        }
        XCTAssertThrowsOtpError(try steam.verifyAt(code: "PV9M4", at: 59, lastUsed: 1)) {
            if case .Replayed = $0 { return true } else { return false }
        }
    }
}
