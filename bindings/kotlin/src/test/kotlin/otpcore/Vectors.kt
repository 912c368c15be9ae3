package otpcore

import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.nio.file.Files
import java.nio.file.Path

/** The shared RFC vector files in testdata, also read by the Rust, Swift and Python tests. */
object Vectors {
    private val dir: Path = Path.of(
        System.getProperty("otpcore.data.dir") ?: error("otpcore.data.dir is not set (run scripts/test-kotlin.sh)"),
    )

    fun load(name: String): JsonObject =
        JsonParser.parseString(Files.readString(dir.resolve(name))).asJsonObject

    fun hex(text: String): ByteArray =
        ByteArray(text.length / 2) { i -> text.substring(2 * i, 2 * i + 2).toInt(16).toByte() }

    fun algorithm(name: String): Algorithm = when (name) {
        "SHA1" -> Algorithm.SHA1
        "SHA256" -> Algorithm.SHA256
        "SHA512" -> Algorithm.SHA512
        else -> error("unknown algorithm $name in vector file")
    }
}
