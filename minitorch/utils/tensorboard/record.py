"""The two formats under a TensorBoard event file, written by hand.

1. TFRecord framing: each record is
       uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)
   (little-endian), where crc32c is CRC-32 with the Castagnoli polynomial.
2. Protocol-buffer messages (`Event`, `Summary`, `Summary.Value`, `Summary.Image`) in
   protobuf's wire format: each field is a varint key `(field_number << 3) | wire_type`
   followed by a varint (type 0), 8 bytes (type 1), a length-prefixed blob (type 2) or
   4 bytes (type 5).
"""
from __future__ import annotations

import struct


def _crc32c_table():
    poly = 0x82F63B78  # Castagnoli, bit-reversed
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's mask: rotate right by 15 and add a constant (so CRCs of CRCs differ)."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data: bytes) -> bytes:
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


# ---- protobuf wire format ---------------------------------------------------------------------
def varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1  # negative int64 are encoded as 10-byte two's complement
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def field_double(number: int, value: float) -> bytes:
    return varint((number << 3) | 1) + struct.pack("<d", value)


def field_float(number: int, value: float) -> bytes:
    return varint((number << 3) | 5) + struct.pack("<f", value)


def field_bytes(number: int, value: bytes) -> bytes:
    return varint((number << 3) | 2) + varint(len(value)) + value


def event(wall_time: float, step: int, *, file_version: str | None = None,
          summary: bytes | None = None) -> bytes:
    """An `Event` message: wall_time=1, step=2, file_version=3, summary=5."""
    msg = field_double(1, wall_time) + field_varint(2, step)
    if file_version is not None:
        msg += field_bytes(3, file_version.encode())
    if summary is not None:
        msg += field_bytes(5, summary)
    return msg


def scalar_summary(tag: str, value: float) -> bytes:
    """Summary{value: [Value{tag=1, simple_value=2}]}."""
    return field_bytes(1, field_bytes(1, tag.encode()) + field_float(2, value))


def image_summary(tag: str, png: bytes, height: int, width: int, channels: int) -> bytes:
    """Summary{value: [Value{tag=1, image=4: Image{height=1, width=2, colorspace=3,
    encoded_image_string=4}}]}."""
    image = (field_varint(1, height) + field_varint(2, width) + field_varint(3, channels)
             + field_bytes(4, png))
    return field_bytes(1, field_bytes(1, tag.encode()) + field_bytes(4, image))
