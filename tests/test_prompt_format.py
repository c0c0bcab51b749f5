from doorman.core.config import DEFAULTS, parse_config
from doorman.core.types import Message
from doorman.tiers.local import StopScanner
from doorman.tiers.prompt_format import frame_prompt

FRAME = parse_config(DEFAULTS).local.frame


def test_the_default_frame_asks_a_question_and_leaves_the_answer_open():
    prompt = frame_prompt((Message("user", "What is the capital of France?"),), FRAME)
    assert prompt.text == "Q: What is the capital of France?\nA:"
    assert "\nQ:" in prompt.stop


def test_system_and_history_are_framed_in_order():
    messages = (
        Message("system", "Answer briefly."),
        Message("user", "2+2?"),
        Message("assistant", "4"),
        Message("user", "3+3?"),
    )
    assert frame_prompt(messages, FRAME).text == "Answer briefly.\n\nQ: 2+2?\nA: 4\nQ: 3+3?\nA:"


def test_braces_in_the_prompt_are_kept_verbatim():
    prompt = frame_prompt((Message("user", "format {text} and {0}"),), FRAME)
    assert prompt.text == "Q: format {text} and {0}\nA:"


def test_text_is_released_at_once_unless_it_may_start_a_stop_sequence():
    scanner = StopScanner(("\nQ:",))
    assert scanner.feed("Paris") == ("Paris", False)
    assert scanner.feed(".\n") == (".", False)  # "\n" may begin "\nQ:"
    assert scanner.feed("Lyon") == ("\nLyon", False)


def test_a_stop_sequence_split_across_pieces_ends_the_answer():
    scanner = StopScanner(("\nQ:",))
    assert scanner.feed(" Paris.\n") == (" Paris.", False)
    assert scanner.feed("Q") == ("", False)
    assert scanner.feed(": next") == ("", True)
