// RFC 4226 Appendix D: every HOTP value, from testdata/rfc4226.json.

import Foundation
import XCTest

@testable import Otpcore

final class Rfc4226Tests: XCTestCase {
    func testGeneratesEveryAppendixDValue() throws {
        let file = try Vectors.rfc4226()
        XCTAssertEqual(file.vectors.count, 10)
        let hotp = try Hotp.withConfig(
            secret: try Secret.fromBytes(bytes: bytes(hex: file.secretHex)),
            config: HotpConfig(algorithm: algorithm(named: file.algorithm), digits: file.digits))
        for vector in file.vectors {
            XCTAssertEqual(hotp.generate(counter: vector.counter), vector.code, "counter \(vector.counter)")
        }
    }

    func testBase32SecretGivesTheSameCodes() throws {
        let file = try Vectors.rfc4226()
        let hotp = Hotp(secret: try Secret.fromBase32(text: file.secretBase32))
        XCTAssertEqual(hotp.config(), HotpConfig(algorithm: .sha1, digits: 6))
        for vector in file.vectors {
            XCTAssertEqual(hotp.generate(counter: vector.counter), vector.code)
        }
    }

    func testVerifiesEachCodeAtItsCounter() throws {
        let file = try Vectors.rfc4226()
        let hotp = Hotp(secret: try Secret.fromBytes(bytes: bytes(hex: file.secretHex)))
        for vector in file.vectors {
            let match = try hotp.verify(
                code: vector.code, counter: vector.counter, window: Window(behind: 0, ahead: 0))
            XCTAssertEqual(match, Match(step: vector.counter, offset: 0))
        }
    }

    func testLookAheadResynchronises() throws {
        // RFC 4226 §7.4: the server looks ahead; the match says where the client is.
        let file = try Vectors.rfc4226()
        let hotp = Hotp(secret: try Secret.fromBytes(bytes: bytes(hex: file.secretHex)))
        let code = file.vectors[4].code
        let match = try hotp.verify(code: code, counter: 1, window: Window(behind: 0, ahead: 5))
        XCTAssertEqual(match, Match(step: 4, offset: 3))
        // Outside the look-ahead it is just a wrong code.
        XCTAssertThrowsError(try hotp.verify(code: code, counter: 1, window: Window(behind: 0, ahead: 2))) {
            guard case OtpError.Mismatch = $0 else { return XCTFail("expected Mismatch, got \($0)") }
        }
    }
}
