"""Labelled test records made with Faker: the generator side only, never a recogniser's dictionary."""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker


@dataclass
class Record:
    text: str
    values: dict[str, list[str]]  # type -> values that must not survive
    decoys: list[str]  # values that must survive


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        digits = body + check
        total = sum(
            (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 else d for i, d in enumerate(int(c) for c in reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def _group(digits: str, sizes: list[int], sep: str) -> str:
    out, pos = [], 0
    for size in sizes:
        out.append(digits[pos:pos + size])
        pos += size
    return sep.join(out)


def records(count: int, seed: int) -> list[Record]:
    fake = Faker(["en_US", "en_GB", "fr_FR", "de_DE", "es_MX"])
    Faker.seed(seed)
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        en = fake["en_US"]
        card = _group(_luhn_complete(rng.choice(["4", "51", "37"]), 16, rng), [4, 4, 4, 4], rng.choice([" ", "-", ""]))
        iban = fake["de_DE"].iban() if rng.random() < 0.5 else fake["fr_FR"].iban()
        sin = _group(_luhn_complete(rng.choice("1234567"), 9, rng), [3, 3, 3], rng.choice([" ", "-"]))
        ssn = en.ssn()
        email = en.email()
        phone = rng.choice(["+1 ({}) {}-{}", "{}.{}.{}", "({}) {}-{}"]).format(
            rng.randrange(201, 989), rng.randrange(200, 999), f"{rng.randrange(10000):04d}"
        )
        ipv4 = en.ipv4_public()
        ipv6 = en.ipv6()
        first, last = en.first_name(), en.last_name()
        key = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
        version = f"{rng.randrange(1, 9)}.{rng.randrange(0, 30)}.{rng.randrange(0, 30)}"
        amount = f"${rng.randrange(10, 99999):,}.{rng.randrange(100):02d}"
        iso_date = en.date(pattern="%Y-%m-%d")
        uuid = en.uuid4()
        quantity = str(rng.randrange(2, 500))
        status = rng.choice(["200", "404", "503"])
        text = (
            f"Dear {first} {last},\n\nThanks for your order of {quantity} units ({amount}) on {iso_date}. "
            f"We charged the card {card}; refunds go to IBAN {iban}. Your SIN {sin} and SSN {ssn} are on file.\n"
            f"Reach us at {phone} or reply to {email}. Login from {ipv4} / {ipv6} returned {status} "
            f"(request {uuid}, client v{version}). Rotate key {key}.\n\nRegards,\n{en.first_name()} {en.last_name()}\n"
        )
        made.append(
            Record(
                text=text,
                values={
                    "CARD": [card], "IBAN": [iban], "SIN": [sin], "SSN": [ssn], "EMAIL": [email], "PHONE": [phone],
                    "IP": [ipv4, ipv6], "SECRET": [key], "PERSON": [f"{first} {last}"],
                },
                decoys=[quantity, amount, iso_date, uuid, version, status],
            )
        )
    return made
