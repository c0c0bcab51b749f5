"""Each recogniser family: what must be replaced, and the decoys that must survive."""

import pytest

from doorman.boundary import Sanitiser


@pytest.fixture(scope="module")
def sanitiser():
    return Sanitiser()


def replaced(sanitiser, text: str) -> list[str]:
    return list(sanitiser.sanitise_text(text).mapping.as_dict().values())


@pytest.mark.parametrize(
    "text, value",
    [
        ("write to jane.roe+billing@example.co.uk today", "jane.roe+billing@example.co.uk"),
        ("call +1 (604) 555-0134 now", "+1 (604) 555-0134"),
        ("call 604.555.0134 now", "604.555.0134"),
        ("London office +44 20 7946 0958.", "+44 20 7946 0958"),
        ("Portable : 06 12 34 56 78", "06 12 34 56 78"),
        ("card 4111 1111 1111 1111 expires", "4111 1111 1111 1111"),
        ("card 5500-0000-0000-0004 expires", "5500-0000-0000-0004"),
        ("IBAN GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32"),
        ("IBAN DE89370400440532013000.", "DE89370400440532013000"),
        ("SSN 123-45-6789 on file", "123-45-6789"),
        ("SIN 046 454 286 on file", "046 454 286"),
        ("from 203.0.113.7 port 22", "203.0.113.7"),
        ("from 2001:db8:85a3::8a2e:370:7334 again", "2001:db8:85a3::8a2e:370:7334"),
        ("see https://deploy:hunter2x@git.example.com/repo.git", "https://deploy:hunter2x@git.example.com/repo.git"),
        ("see https://x.example.com/dl?id=4&token=abc123XYZ987", "https://x.example.com/dl?id=4&token=abc123XYZ987"),
        ("key AKIAIOSFODNN7EXAMPLE leaked", "AKIAIOSFODNN7EXAMPLE"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("slack xoxb-1234567890-abcdefghijkl leaked", "xoxb-1234567890-abcdefghijkl"),
        ("Authorization: Bearer 9f8e7d6c5b4a39281706 sent", "9f8e7d6c5b4a39281706"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlXzEyMw ok", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlXzEyMw"),
        ("db password=S3cr3t!pass in config", "S3cr3t!pass"),
        ("Customer ID: CUST-0042917 was billed", "CUST-0042917"),
        ("wire to account 88213457 today", "88213457"),
        ("Applicant born 14 March 1984 in Leeds", "14 March 1984"),
        ("DOB: 1990-07-21", "1990-07-21"),
        ("Springfield, IL 62704", "62704"),
        ("Toronto ON M5V 2T6", "M5V 2T6"),
        ("London SW1A 1AA", "SW1A 1AA"),
        ("Adresse: Hauptstraße 5\n10115 Berlin", "10115"),
        ("C.P. 06700 Ciudad de México", "06700"),
        ("ship to 742 Evergreen Terrace Apt. 4 soon", "742 Evergreen Terrace Apt. 4"),
        ("Dear Margaret Okafor, thanks", "Margaret Okafor"),
        ("Name: Oskar Lindgren\nRole: buyer", "Oskar Lindgren"),
        ("Regards,\nPriya Natarajan\n", "Priya Natarajan"),
        ("Contract with Brightwater Analytics Ltd renewed", "Brightwater Analytics Ltd"),
    ],
)
def test_each_recogniser_family_replaces_its_values(sanitiser, text, value):
    assert value in replaced(sanitiser, text)


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1112 fails Luhn",
        "IBAN GB82 WEST 1234 5698 7654 33 fails mod-97",
        "upgrade to 2.14.3 or 10.0.1-rc.2 first",
        "ordered 250 units for $12,480.50 (15% off)",
        "deployed 2024-03-05T10:22:31Z, due 2025-01-31",
        "GET /api returned 404 then 503",
        "trace 123e4567-e89b-12d3-a456-426614174000 ok",
        "call fetch_customer_email() in crm/models.py",
        "docs at https://docs.python.org/3/library/re.html",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 merged",
        "listen on port 8443, pool size 32",
        "Template: Hello [EMAIL_1] and {{first_name}}",
        "from doorman.core.types import Completion, Delta, Request",
        "usage = Usage(prompt_tokens=outcome.usage.prompt_tokens, seed=config.seed)",
        "Describe Paris in detail, then list 3 sights.",
        "Bind to 127.0.0.1:8080 and ::1; status, cancelled, module_id, cost_usd are columns.",
    ],
)
def test_decoys_survive(sanitiser, text):
    assert sanitiser.sanitise_text(text).texts[0] == text


def test_a_name_found_once_is_replaced_wherever_the_request_repeats_it(sanitiser):
    result = sanitiser.sanitise(["Dear Ingrid Bergqvist, about your order.", "Ingrid said Bergqvist's card was fine."])
    assert all("Ingrid" not in t and "Bergqvist" not in t for t in result.texts)
    assert result.texts[1].endswith("'s card was fine.")


def test_a_known_name_is_found_again_in_lower_case(sanitiser):
    out = sanitiser.sanitise(["Name: Rosalind Okonjo", "ok thanks rosalind, see you"]).texts[1]
    assert "rosalind" not in out


def test_names_spelled_in_an_email_address_are_replaced_in_the_text(sanitiser):
    out = sanitiser.sanitise_text("From andrews.elizabeth@example.com: Elizabeth will call back.").texts[0]
    assert "Elizabeth" not in out


def test_a_pasted_table_is_read_by_its_header(sanitiser):
    text = "id;full_name;dob;city\n7;Quentin Arbogast;03/04/1971;Lyon\n8;Zita Okonkwo-Baird;1988-12-30;Graz\n"
    out = sanitiser.sanitise_text(text).texts[0]
    for value in ("Quentin Arbogast", "03/04/1971", "Zita Okonkwo-Baird", "1988-12-30"):
        assert value not in out
    assert out.startswith("id;full_name;dob;city\n7;") and ";Lyon\n" in out


def test_a_connection_string_loses_its_password_but_keeps_host_and_port(sanitiser):
    out = sanitiser.sanitise_text("DATABASE_URL=postgres://app:Tr0ub4dor&3@db.example.net:5432/app").texts[0]
    assert "Tr0ub4dor" not in out and "db.example.net:5432/app" in out


def test_other_text_forms_json_sql_yaml_html(sanitiser):
    text = (
        '{"name": "Gwendolyn Ashcroft", "dob": "1979-02-11", "zip": "94110", "qty": 12}\n'
        "INSERT INTO customers (id, first_name, last_name, ssn) VALUES (42, 'Theodric', 'Vantongeren', '219-09-9999');\n"
        "contact:\n  owner: Marisol Quintanilla\n  password: \"xK9#mq2!Lp\"\n"
        "<p>Best regards,<br>Oriane Delacroix<br>Tel. +49 30 901820</p>\n"
    )
    out = sanitiser.sanitise_text(text).texts[0]
    for value in ("Gwendolyn", "Ashcroft", "1979-02-11", "94110", "Theodric", "Vantongeren", "219-09-9999",
                  "Quintanilla", "xK9#mq2!Lp", "Oriane Delacroix", "901820"):
        assert value not in out
    assert '"qty": 12}' in out and "VALUES (42, '" in out
