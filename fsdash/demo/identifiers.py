"""Synthetic identifiers in the formats a council's return carries."""

from __future__ import annotations

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
SYNTHETIC_LA = "999"     # no council has this number, so no synthetic UPN is a real child's


def upn_check_letter(body: str) -> str:
    """The DfE check letter of a unique pupil number's last 12 characters: each character's value
    (a digit, or a letter's place in ``UPN_CHECK_LETTERS``) times its position (2 to 13), summed,
    modulo 23."""
    total = sum((int(c) if c.isdigit() else UPN_CHECK_LETTERS.index(c)) * position
                for position, c in enumerate(body, start=2))
    return UPN_CHECK_LETTERS[total % 23]


def synthetic_upns(count: int) -> list[str]:
    """``count`` distinct, valid-format UPNs: check letter, a council number no council has, a
    school number, year of allocation and serial."""
    bodies = [f"{SYNTHETIC_LA}{2000 + i // 10000:04d}{(i // 1000) % 10:02d}{i % 1000:03d}"
              for i in range(count)]
    return [upn_check_letter(body) + body for body in bodies]
