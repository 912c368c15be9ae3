package otpcore

import com.google.zxing.BinaryBitmap
import com.google.zxing.DecodeHintType
import com.google.zxing.RGBLuminanceSource
import com.google.zxing.common.HybridBinarizer
import com.google.zxing.qrcode.QRCodeReader
import java.io.ByteArrayInputStream
import javax.imageio.ImageIO

/**
 * The text of a QR code PNG, decoded by ZXing (an independent decoder).
 *
 * `PURE_BARCODE`: our PNGs are clean, axis-aligned codes with a quiet zone, so ZXing reads
 * the modules directly instead of searching for finder patterns, which on some payloads
 * (random batch ids) failed to locate them now and then.
 */
internal fun decodeQrPng(png: ByteArray): String {
    val image = ImageIO.read(ByteArrayInputStream(png))
    val pixels = image.getRGB(0, 0, image.width, image.height, null, 0, image.width)
    val bitmap = BinaryBitmap(HybridBinarizer(RGBLuminanceSource(image.width, image.height, pixels)))
    return QRCodeReader().decode(bitmap, mapOf(DecodeHintType.PURE_BARCODE to true)).text
}
