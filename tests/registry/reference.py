#!/usr/bin/env python3
"""An independent computation of the registry encoding (api/registry_encoding.hpp), with
Python's hashlib and hmac instead of libsodium: crypto_kdf_derive_from_key is BLAKE2b keyed
with the master key, salt = the subkey number (8 bytes little-endian) and 8 zeros, personal =
the context and 8 zeros. Not run by CTest.

    reference.py           the values test_consortium_key.cpp pins for the key 00 01 ... 1f
    reference.py measure   the Dice figures behind kClkNameBitsPerBigram (made-up names)
"""
import base64
import hashlib
import hmac
import itertools
import random
import struct
import sys

KEY = bytes(range(32))
CONTEXT = b"rizikirg"


def subkey(number, key=KEY):
    return hashlib.blake2b(b"", digest_size=32, key=key, salt=struct.pack("<Q", number) + bytes(8),
                           person=CONTEXT + bytes(8)).digest()


def token(number, message):
    return hmac.new(subkey(number), message.encode(), hashlib.sha256).digest()


def set_bits(clk, number, message, k):
    digest = token(number, message)
    h1 = int.from_bytes(digest[:8], "little")
    h2 = int.from_bytes(digest[8:16], "little") | 1
    for i in range(k):
        clk.add((h1 + i * h2) % 1024)


def clk(parts, year, k_name=20, k_year=10):
    bits = set()
    bigrams = {(" " + p + " ")[i:i + 2] for p in parts for i in range(len(p) + 1)}
    for bigram in bigrams:
        set_bits(bits, 5, bigram, k_name)
    if parts:
        set_bits(bits, 6, str(year), k_year)
    return bits


def clk_text(bits):
    raw = bytearray(128)
    for i in bits:
        raw[i // 8] |= 0x80 >> (i % 8)
    return base64.b64encode(bytes(raw)).decode()


def dice(a, b):
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def pinned():
    print("id", subkey(7)[:8].hex())
    print("id_token", token(1, "12345678").hex())
    print("phone_token", token(2, "254712345678").hex())
    print("name_token", token(3, "mwangi wanjiku 1990").hex())
    for year in (1989, 1990, 1991):
        print("year_token", year, token(4, str(year)).hex())
    bits = clk(["mwangi", "wanjiku"], 1990)
    print("clk bits", len(bits))
    print("clk", clk_text(bits))


def measure():
    first = ["wanjiku", "achieng", "otieno", "kamau", "njeri", "wambui", "akinyi", "mwangi",
             "kiprotich", "chebet", "jepkosgei", "omondi", "atieno", "mutua", "mumbi", "nyambura",
             "wafula", "nekesa", "barasa", "halima", "amina", "fatuma", "mohamed", "hassan",
             "grace", "mary", "faith", "esther", "mercy", "joyce"]
    last = ["mwangi", "otieno", "kamau", "ochieng", "kariuki", "njoroge", "wekesa", "kiptoo",
            "mutiso", "onyango", "abdi", "ali", "omar", "kibet", "rotich", "wanjala", "maina",
            "nganga", "odhiambo", "muthoni"]
    rng = random.Random(1)
    names = [[rng.choice(first), rng.choice(last)] + ([rng.choice(last)] if rng.random() < 0.4
                                                        else []) for _ in range(300)]

    def typo(parts):
        word = list(parts[0])
        word[rng.randrange(len(word))] = rng.choice("abcdefghijklmnopqrstuvwxyz")
        return ["".join(word)] + parts[1:]

    for k in (15, 20, 25, 30):
        clks = [clk(n, 1990, k, max(1, k // 2)) for n in names]
        fill = sum(len(c) for c in clks) / len(clks) / 1024
        unrelated = sorted(dice(clks[i], clks[j]) for i, j in itertools.combinations(range(120), 2)
                           if set(names[i]).isdisjoint(names[j]))
        typos = sorted(dice(clks[i], clk(typo(names[i]), 1990, k, max(1, k // 2)))
                       for i in range(len(names)))
        print(f"k={k} fill {fill:.2f} unrelated mean {sum(unrelated) / len(unrelated):.2f} "
              f"p99 {unrelated[int(.99 * len(unrelated))]:.2f} "
              f"one letter changed mean {sum(typos) / len(typos):.2f} min {typos[0]:.2f}")


if __name__ == "__main__":
    measure() if sys.argv[1:] == ["measure"] else pinned()
