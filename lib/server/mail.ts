// Email through the deployment's SMTP server (SMTP_URL, EMAIL_FROM): sign-in
// links and escalations. nodemailer keeps nothing between messages here:
// both are rare.
import "server-only";
import nodemailer from "nodemailer";
import { config } from "./config";

const SMTP_TIMEOUT_MS = 30_000;

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Whether email can go out on this deployment. */
export const mailOn = () => config().mail !== null;

export async function sendMail({ to, subject, text }: Mail): Promise<void> {
  const mail = config().mail;
  if (!mail) throw new Error("Email is off: set SMTP_URL and EMAIL_FROM.");
  // nodemailer waits minutes on a server that stops answering by default: an escalation step must end within its lease.
  const transport = nodemailer.createTransport(mail.smtpUrl, { connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS });
  await transport.sendMail({ from: mail.from, to, subject, text });
}
