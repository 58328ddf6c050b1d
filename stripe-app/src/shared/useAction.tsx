import { Banner } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';

export type Notice = { type: 'default' | 'critical'; text: string };

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One backend action at a time, for a block of buttons: which one is running
 * (to show it pending and hold the others), and what came of the last one,
 * as a notice the merchant can dismiss. A failed action keeps the form as typed.
 */
export function useAction<Name extends string>() {
  const [busy, setBusy] = useState<Name | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  async function run(name: Name, action: () => Promise<string | null>): Promise<boolean> {
    setBusy(name);
    setNotice(null);
    try {
      const done = await action();
      if (done) setNotice({ type: 'default', text: done });
      return true;
    } catch (error) {
      setNotice({ type: 'critical', text: messageOf(error) });
      return false;
    } finally {
      setBusy(null);
    }
  }

  const banner = notice ? <Banner type={notice.type} title={notice.text} onDismiss={() => setNotice(null)} /> : null;
  return { busy, run, banner, setNotice };
}
