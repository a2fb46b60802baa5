"""受領者コード: what a badge's recipient hash is made of, in place of the 職員番号.

Open Badges names the recipient by a salted hash of an identifier, with the salt beside it, so
that whoever knows the identifier can check that the badge is theirs. A 職員番号 has a handful of
digits: with the salt published, trying every number reads it back in about a second, and the badge
would carry the 職員番号 after all. So each staff member gets a random code of their own (80 bits,
``XXXX-XXXX-XXXX-XXXX`` in Crockford's base32: no I, L, O or U to misread), kept in the database and
handed to them with their badges (``受領者コード.csv`` in the badges folder, for the clerk); the
hash is made of that code. The holder shows the code to whoever should know the badge is theirs;
nobody can compute it from the badge.
"""
from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .errors import NinteiError
from .tables import RecipientCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32


def new_code() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def codes_for(db, staff_ids: set[str]) -> dict[str, str]:
    """Each staff member's code, made and stored (one transaction) for those who have none yet."""
    try:
        with Session(db) as session:
            known = dict(session.exec(select(RecipientCode.staff_id, RecipientCode.code)).all())
            for staff_id in sorted(staff_ids - set(known)):
                known[staff_id] = new_code()
                session.add(RecipientCode(staff_id=staff_id, code=known[staff_id]))
            session.commit()
    except IntegrityError:
        raise NinteiError("受領者コードを作る間に別の処理が同じ職員のコードを作りました。もう一度実行してください。",
                          en="another process made a recipient code for the same staff member meanwhile: run it again")
    return {s: known[s] for s in staff_ids}
