import { clipboardWriteText } from '@stripe/ui-extension-sdk/utils';
import { createContext } from 'react';

/** The Dashboard's clipboard; tests put a recorder here, as outside the Dashboard there is none. */
export const ClipboardContext = createContext<(text: string) => Promise<void>>(clipboardWriteText);

/** Whether the text reached the clipboard. The SDK throws, rather than rejects, when no Dashboard hosts the view. */
export async function copyToClipboard(copy: (text: string) => Promise<void>, text: string): Promise<boolean> {
  try {
    await copy(text);
    return true;
  } catch {
    return false;
  }
}
