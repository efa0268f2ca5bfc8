"""E-mail over SMTP (smtplib): one message per recipient and day, plain text in UTF-8, sent over one
connection for the whole run. The password is used to log in and nowhere else: every reason a send
failed is scrubbed of it (and of its base64 forms, which AUTH exchanges carry) before it is shown or
recorded; smtplib's debug output stays off."""
from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from crm.i18n import pick
from crm.remind.config import EmailSettings
from crm.remind.message import plain_text, title
from crm.services.reminders import Item, SendFailed, Target


class EmailChannel:
    name = "email"

    def __init__(self, settings: EmailSettings, password: str | None) -> None:
        self.settings = settings
        self._password = password
        self._smtp: smtplib.SMTP | None = None
        self._broken: str | None = None  # the server could not be reached or refused the login: not again

    def batches(self, target: Target, items: Sequence[Item]) -> list[list[Item]]:
        return [list(items)] if items else []

    def send(self, target: Target, items: Sequence[Item]) -> None:
        message = self.compose(target, items)
        if self._broken is not None:
            raise SendFailed(self._broken)
        for attempt in (1, 2):  # once more on a fresh connection when the server had dropped the old one
            try:
                smtp = self._connection()
                smtp.send_message(message, from_addr=self.settings.sender, to_addrs=[target.address])
                return
            except smtplib.SMTPServerDisconnected as error:
                self._drop()
                if attempt == 2:
                    raise SendFailed(self.scrub(self._reason(error))) from None
            except smtplib.SMTPRecipientsRefused as error:
                refused = "; ".join(f"{code} {_text(text)}" for code, text in error.recipients.values())
                raise SendFailed(self.scrub(pick(f"服务器拒收：{refused}", f"refused: {refused}"))) from None
            except smtplib.SMTPResponseException as error:  # refused (sender, data): the connection stays usable
                raise SendFailed(self.scrub(self._reason(error))) from None
            except (smtplib.SMTPException, OSError) as error:
                self._drop()
                raise SendFailed(self.scrub(self._reason(error))) from None

    def compose(self, target: Target, items: Sequence[Item]) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = title(target.whose, target.day, len(items), retry=target.retry)
        message["From"] = self.settings.sender
        message["To"] = target.address
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self.settings.sender.rpartition("@")[2])
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to it
        message.set_content(plain_text(target.whose, target.day, items, retry=target.retry))
        return message

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        try:
            context = ssl.create_default_context(cafile=s.cafile) if s.security != "none" else None
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                if s.security == "starttls":
                    smtp.starttls(context=context)
                if s.user:
                    smtp.login(s.user, self._password or "")
            except BaseException:
                _close(smtp)
                raise
        except smtplib.SMTPAuthenticationError as error:
            self._broken = self.scrub(pick(f"登录邮件服务器失败（{s.user}）：{error.smtp_code} {_text(error.smtp_error)}",
                                           f"login to the mail server failed ({s.user}): {error.smtp_code} "
                                           f"{_text(error.smtp_error)}"))
            raise SendFailed(self._broken) from None
        except (smtplib.SMTPException, OSError, ValueError) as error:
            self._broken = self.scrub(pick(f"无法连接邮件服务器 {s.host}:{s.port}：{self._reason(error)}",
                                           f"cannot reach the mail server {s.host}:{s.port}: {self._reason(error)}"))
            raise SendFailed(self._broken) from None
        self._smtp = smtp
        return smtp

    @staticmethod
    def _reason(error: BaseException) -> str:
        if isinstance(error, smtplib.SMTPResponseException):
            return f"SMTP {error.smtp_code} {_text(error.smtp_error)}"
        if isinstance(error, OSError) and error.strerror:
            return f"{type(error).__name__}: {error.strerror}"
        return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__

    def scrub(self, text: str) -> str:
        """The text with the password masked, as typed and as AUTH PLAIN / LOGIN encode it."""
        from db.engine import scrub_secrets

        password = self._password
        if password:
            user = self.settings.user or ""
            forms = {password, _b64(password), _b64(f"\0{user}\0{password}"), _b64(f"{user}\0{password}")}
            for form in sorted(forms, key=len, reverse=True):
                text = text.replace(form, "***")
        return scrub_secrets(text)

    def _drop(self) -> None:
        if self._smtp is not None:
            _close(self._smtp)
            self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.close()
    except OSError:
        pass


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _text(value) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())[:300]
