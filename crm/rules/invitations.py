"""邀请状态: proposed 拟邀请 → invited 已邀请 → confirmed 已确认 → attended 已出席, or declined 婉拒.

Statuses move forward (a step may be skipped: a guest confirmed on the phone was invited by that call);
only someone who was invited can decline, and a guest who declined may still confirm or attend.
Attended is final. Going back is a correction, not a status change."""
from __future__ import annotations

from db.models.enums import InvitationStatus as S

FLOW: tuple[S, ...] = (S.PROPOSED, S.INVITED, S.CONFIRMED, S.ATTENDED)
# When two invitations of one person to one event become one (a merge), the stronger one stands.
_STRENGTH = {S.PROPOSED: 0, S.INVITED: 1, S.DECLINED: 2, S.CONFIRMED: 3, S.ATTENDED: 4}


def refusal(current: S, target: S) -> str | None:
    """Why `current` cannot become `target` (a message key), or None when it can (or is already there)."""
    current, target = S(current), S(target)
    if current == target:
        return None
    if current == S.ATTENDED:
        return "invitation_already_attended"
    if target == S.DECLINED:
        return None if current in (S.INVITED, S.CONFIRMED) else "invitation_decline_needs_invite"
    if current == S.DECLINED:
        return None if target in (S.CONFIRMED, S.ATTENDED) else "invitation_status_backwards"
    return None if FLOW.index(target) > FLOW.index(current) else "invitation_status_backwards"


def stronger(a: S, b: S) -> S:
    return a if _STRENGTH[S(a)] >= _STRENGTH[S(b)] else b
