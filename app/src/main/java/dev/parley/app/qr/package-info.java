/** QR codes for sharing room tickets: {@link dev.parley.app.qr.QrCode} wraps the ZXing encoder. */
package dev.parley.app.qr;
