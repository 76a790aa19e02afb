// A real SMTP server for the tests (nodemailer's smtp-server), on a free
// port: every message it receives, parsed (mailparser), for a test to wait on.
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { freePort } from "./ports";
import { until } from "./until";

export interface TestSmtpServer {
  url: string;
  received: ParsedMail[];
  /** The next message to `to` that was not waited for yet. */
  nextTo(to: string): Promise<ParsedMail>;
  stop(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ParsedMail[] = [];
  const taken = new Set<ParsedMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const addressedTo = (mail: ParsedMail, to: string) => (Array.isArray(mail.to) ? mail.to : [mail.to]).some((a) => a?.value.some((v) => v.address === to));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async nextTo(to) {
      let mail: ParsedMail | undefined;
      await until(() => (mail = received.find((m) => !taken.has(m) && addressedTo(m, to))) !== undefined, 30_000);
      taken.add(mail!);
      return mail!;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
