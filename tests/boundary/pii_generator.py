"""Labelled test records made with Faker: the generator side only, never a recogniser's dictionary."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
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


_LOCALES = ["en_US", "en_GB", "fr_FR", "de_DE", "es_MX"]
_TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _values(fake: Faker, rng: random.Random) -> dict[str, str]:
    f = fake[rng.choice(_LOCALES)]
    first, last = f.first_name(), f.last_name()
    return {
        "PERSON": f"{first} {last}", "FIRST": first, "EMAIL": f.email(), "PHONE": f.phone_number(),
        "CARD": _group(_luhn_complete(rng.choice(["4", "51", "37"]), 16, rng), [4, 4, 4, 4], rng.choice([" ", "-", ""])),
        "IBAN": fake[rng.choice(["de_DE", "fr_FR", "en_GB"])].iban(), "SSN": fake["en_US"].ssn(),
        "SIN": _group(_luhn_complete(rng.choice("1234567"), 9, rng), [3, 3, 3], rng.choice([" ", "-"])),
        "IP": f.ipv4_public(), "IPV6": f.ipv6(), "STREET": f.street_address(), "ADDRESS": f.address().replace("\n", ", "),
        "POSTCODE": f.postcode(), "CITY": f.city(), "ORG": f.company(),
        "DOB": f.date_of_birth(minimum_age=18, maximum_age=90).strftime(rng.choice(["%Y-%m-%d", "%d/%m/%Y", "%B %d, %Y"])),
        "SECRET": rng.choice([
            "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
            "ghp_" + "".join(rng.choice(_TOKEN_CHARS) for _ in range(36)),
        ]),
        "PASSWORD": f.password(length=14), "ACCOUNT": str(rng.randrange(10**7, 10**10)),
        "UUID": f.uuid4(), "VERSION": f"{rng.randrange(1, 9)}.{rng.randrange(30)}.{rng.randrange(30)}",
        "AMOUNT": f"{rng.randrange(10, 99999)}.{rng.randrange(100):02d}", "TS": f.iso8601(), "QTY": str(rng.randrange(2, 500)),
        "STATUS": rng.choice(["200", "404", "503"]),
    }


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# Each text form: how it is written, the values it must hide, the decoys it must keep.
_FORMS: dict[str, tuple[Callable[[dict[str, str]], str], list[str], list[str]]] = {
    "json log": (lambda v: json.dumps({
        "ts": v["TS"], "level": "info", "user": {"name": v["PERSON"], "email": v["EMAIL"], "phone": v["PHONE"]},
        "client_ip": v["IP"], "status": int(v["STATUS"]), "request_id": v["UUID"],
        "billing": {"iban": v["IBAN"], "address": v["STREET"], "zip": v["POSTCODE"], "city": v["CITY"]},
        "amount": v["AMOUNT"], "app_version": v["VERSION"]}, ensure_ascii=False),
        ["PERSON", "EMAIL", "PHONE", "IP", "IBAN", "POSTCODE"], ["UUID", "VERSION", "AMOUNT", "STATUS"]),
    "csv": (lambda v: _csv([
        ["name", "email", "phone", "street", "postcode", "city", "company", "dob", "card"],
        [v["PERSON"], v["EMAIL"], v["PHONE"], v["STREET"].replace("\n", " "), v["POSTCODE"], v["CITY"], v["ORG"], v["DOB"],
         v["CARD"]]]),
        ["PERSON", "EMAIL", "PHONE", "STREET", "POSTCODE", "ORG", "DOB", "CARD"], []),
    "chat": (lambda v: (
        f"[10:02] {v['FIRST']}: hey, can you update my card to {v['CARD']}?\n"
        f"[10:03] agent: sure, what's the billing address?\n[10:03] {v['FIRST']}: {v['ADDRESS']}\n"
        f"[10:04] agent: and a callback number?\n[10:04] {v['FIRST']}: {v['PHONE']}\n"
        f"[10:05] agent: thanks {v['FIRST']}, order {v['QTY']} confirmed, status {v['STATUS']}.\n"),
        ["FIRST", "CARD", "PHONE"], ["QTY", "STATUS"]),
    "env file": (lambda v: (
        f"# deployment config v{v['VERSION']}\nAWS_ACCESS_KEY_ID={v['SECRET']}\nDB_PASSWORD={v['PASSWORD']}\n"
        f"ADMIN_EMAIL={v['EMAIL']}\nBIND_ADDR={v['IP']}\nREQUEST_TIMEOUT={v['QTY']}\n"),
        ["SECRET", "PASSWORD", "EMAIL", "IP"], ["VERSION", "QTY"]),
    "yaml": (lambda v: (
        f"customer:\n  name: {v['PERSON']}\n  email: {v['EMAIL']}\n  phone: \"{v['PHONE']}\"\n"
        f"  date_of_birth: {v['DOB']}\n  account_number: {v['ACCOUNT']}\n  employer: {v['ORG']}\n"
        f"notes: ordered {v['QTY']} units for {v['AMOUNT']} EUR\n"),
        ["PERSON", "EMAIL", "PHONE", "DOB", "ACCOUNT", "ORG"], ["QTY", "AMOUNT"]),
    "html mail": (lambda v: (
        f"<p>Hello {v['PERSON']},</p><p>Your IBAN <b>{v['IBAN']}</b> was registered on {v['TS'][:10]}. Questions? "
        f"Call {v['PHONE']} or write to <a href=\"mailto:{v['EMAIL']}\">{v['EMAIL']}</a>.</p>"
        f"<p>Kind regards,<br>{v['ORG']}</p>"),
        ["PERSON", "IBAN", "PHONE", "EMAIL", "ORG"], []),
    "ticket": (lambda v: (
        f"Ticket #{v['QTY']}\nReporter: {v['PERSON']}\nCompany: {v['ORG']}\nSeverity: 2\n\n"
        f"Customer says the login from {v['IP']} and {v['IPV6']} fails with {v['STATUS']} since version "
        f"{v['VERSION']}. SSN on file {v['SSN']}, SIN {v['SIN']}. Born {v['DOB']}.\n"),
        ["PERSON", "ORG", "IP", "IPV6", "SSN", "SIN", "DOB"], ["VERSION", "STATUS"]),
    "prose": (lambda v: (
        f"{v['PERSON']} works at {v['ORG']} and lives at {v['STREET'].replace(chr(10), ', ')}, {v['POSTCODE']} "
        f"{v['CITY']}. Last week {v['FIRST']} paid {v['AMOUNT']} with card {v['CARD']} and asked us to email "
        f"{v['EMAIL']}."),
        ["PERSON", "ORG", "POSTCODE", "CARD", "EMAIL"], ["AMOUNT"]),
    "markdown table": (lambda v: (
        f"| Name | Email | Phone | Card |\n|---|---|---|---|\n| {v['PERSON']} | {v['EMAIL']} | {v['PHONE']} | "
        f"{v['CARD']} |\n"),
        ["PERSON", "EMAIL", "PHONE", "CARD"], []),
    "sql": (lambda v: (
        f"INSERT INTO customers (name, email, phone, iban) VALUES ('{v['PERSON']}', '{v['EMAIL']}', "
        f"'{v['PHONE']}', '{v['IBAN']}');"),
        ["PERSON", "EMAIL", "PHONE", "IBAN"], []),
}


def form_records(count: int, seed: int) -> list[tuple[str, Record]]:
    """(form, record): each of `count` sets of values written in every text form, from JSON logs to SQL."""
    fake = Faker(_LOCALES)
    Faker.seed(seed)
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        v = _values(fake, rng)
        for form, (write, hidden, decoys) in _FORMS.items():
            made.append((form, Record(write(v), {k: [v[k]] for k in hidden}, [v[k] for k in decoys])))
    return made
