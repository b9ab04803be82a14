"""A real SMTP submission server for the tests (aiosmtpd, from Debian): STARTTLS required, AUTH
required, recipients answered like a real server (550 for unknown mailboxes, 451 for a mailbox that
is temporarily unavailable). Each accepted message is printed as one JSON line on stdout, which the
test reads back. Usage: smtp_server.py PORT CERT KEY USER PASSWORD
"""
import asyncio
import email
import email.policy
import json
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

port, cert, key, user, password = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("nobody"):
            return "550 5.1.1 No such user here"
        if local.startswith("later"):
            return "451 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        print(json.dumps({
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": message["subject"],
            "messageId": message["message-id"],
            "switchboardId": message["x-switchboard-id"],
            "body": body.get_content().strip() if body else "",
            "tls": session.ssl is not None,
        }), flush=True)
        return "250 2.0.0 Message accepted for delivery"


def authenticate(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login.decode() == user and data.password.decode() == password
    return AuthResult(success=ok, handled=False)


async def main():
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Handler(), hostname="mail.switchboard.test", tls_context=context, require_starttls=True,
                     auth_required=True, auth_require_tls=True, authenticator=authenticate),
        host="127.0.0.1", port=int(port))
    print(json.dumps({"listening": int(port)}), flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
