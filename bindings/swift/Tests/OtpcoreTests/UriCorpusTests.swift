// testdata/uri-corpus.json: otpauth URIs as real services and apps emit them
// (Microsoft 365, GitHub, Discord, Steam exports, ...), each with its source. The
// Rust, Kotlin and Python suites read the same file.

import Foundation
import XCTest

@testable import Otpcore

/// One case of testdata/uri-corpus.json.
struct UriCorpusCase: Decodable {
    let name: String
    let source: String
    let uri: String
    let allowShortSecret: Bool
    let expect: Expect?
    let code: Code?
    let message: String?

    struct Expect: Decodable, Equatable {
        let type: String
        let issuer: String?
        let labelIssuer: String?
        let account: String
        let secretBase32: String
        let algorithm: String
        let digits: UInt32
        let period: UInt64?
        let counter: UInt64?
        let image: String?
        let canonical: String
    }

    struct Code: Decodable {
        let time: UInt64?
        let counter: UInt64?
        let code: String
    }
}

struct UriCorpusFile: Decodable {
    let cases: [UriCorpusCase]
}

final class UriCorpusTests: XCTestCase {
    private func fields(_ uri: KeyUri) -> UriCorpusCase.Expect {
        let type: String
        var period: UInt64? = nil
        var counter: UInt64? = nil
        switch uri.kind() {
        case .totp(let p): type = "totp"; period = p
        case .hotp(let c): type = "hotp"; counter = c
        case .steam: type = "steam"; period = 30
        }
        let algorithm: String
        switch uri.algorithm() {
        case .sha1: algorithm = "SHA1"
        case .sha256: algorithm = "SHA256"
        case .sha512: algorithm = "SHA512"
        }
        return UriCorpusCase.Expect(
            type: type, issuer: uri.issuer(), labelIssuer: uri.labelIssuer(),
            account: uri.account(), secretBase32: uri.secret().exposeBase32(),
            algorithm: algorithm, digits: type == "steam" ? 5 : uri.digits(),
            period: period, counter: counter, image: uri.image(), canonical: uri.toUriString())
    }

    private func code(_ uri: KeyUri, _ want: UriCorpusCase.Code) throws -> String {
        if let steam = uri.toSteam() { return try steam.generateAt(at: want.time!) }
        if let hotp = uri.toHotp() { return hotp.generate(counter: want.counter!) }
        return try XCTUnwrap(uri.toTotp()).generateAt(at: want.time!)
    }

    func testCorpus() throws {
        let file = try Vectors.load("uri-corpus.json", as: UriCorpusFile.self)
        var accepted = 0
        var refused = 0
        for c in file.cases {
            XCTAssertFalse(c.source.isEmpty, c.name)
            if let want = c.expect {
                let uri = try KeyUri.parse(uri: c.uri, allowShortSecret: c.allowShortSecret)
                XCTAssertEqual(fields(uri), want, c.name)
                XCTAssertEqual(try code(uri, try XCTUnwrap(c.code)), c.code?.code, c.name)
                let again = try KeyUri.parse(uri: uri.toUriString(), allowShortSecret: c.allowShortSecret)
                XCTAssertEqual(again, uri, c.name)
                accepted += 1
            } else {
                XCTAssertThrowsError(try KeyUri.parse(uri: c.uri, allowShortSecret: c.allowShortSecret), c.name) { error in
                    guard case OtpError.InvalidUri(let message) = error else { return XCTFail("\(c.name): \(error)") }
                    XCTAssertEqual(message, c.message, c.name)
                }
                refused += 1
            }
        }
        XCTAssertTrue(accepted >= 20 && refused >= 7, "\(accepted) accepted, \(refused) refused")
    }

    func testShortSecretOptInAndBuilders() throws {
        let microsoft = "otpauth://totp/Some+Company%3ame%40somecompany.net?secret=abcdefghijklmnop&issuer=Microsoft"
        XCTAssertThrowsOtpError(try KeyUri.parse(uri: microsoft)) {
            if case .InvalidUri = $0 { return true } else { return false }
        }
        XCTAssertEqual(try KeyUri.parse(uri: microsoft, allowShortSecret: true).labelIssuer(), "Some Company")
        let secret = try Secret.fromBytes(bytes: Data("12345678901234567890".utf8))
        let steam = try KeyUri.steam(secret: secret, issuer: "Steam", account: "alice")
            .withImage(image: "https://example.com/a.png")
        let again = try KeyUri.parse(uri: steam.toUriString())
        XCTAssertEqual(again, steam)
        XCTAssertEqual(again.kind(), .steam)
        XCTAssertEqual(again.image(), "https://example.com/a.png")
        XCTAssertEqual(try XCTUnwrap(again.toSteam()).generateAt(at: 59), "PV9M4")
        XCTAssertNil(again.toTotp())
    }
}
