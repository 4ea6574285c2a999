export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Overrides the configured default sender. */
  from?: string;
};

/** System mail (password resets, welcome and notification emails); inbox replies use their own channel. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}
