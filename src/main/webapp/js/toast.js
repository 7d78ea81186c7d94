// Notices. Errors show as toasts in a corner of the screen; confirmations of what the user
// can already see happened ("Deleted …") are only announced to screen readers, so toasts
// stay rare and never cover the controls for long.

import { h, iconButton } from './dom.js';

const SHOWN_MS = { info: 5000, error: 9000 };

/** Says something to screen reader users only, politely. */
export function announce(message) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  // A fresh text node after a tick is announced even when the text repeats.
  setTimeout(() => (region.textContent = message), 50);
}

/** Shows a toast; `kind` is 'info' or 'error'. Returns a function that dismisses it. */
export function toast(message, kind = 'error') {
  const region = document.getElementById('toasts');
  const dismiss = () => {
    clearTimeout(timer);
    item.remove();
  };
  const item = h(
    'div',
    { class: `toast toast--${kind}`, 'data-testid': 'toast', 'data-kind': kind },
    h('p', { class: 'toast-text', text: message }),
    iconButton('close', 'Dismiss', dismiss, { class: 'icon-button toast-close' }),
  );
  region.appendChild(item);
  // Keep a handful at most; the oldest go first.
  while (region.children.length > 4) region.firstElementChild.remove();
  const timer = setTimeout(dismiss, SHOWN_MS[kind] ?? SHOWN_MS.info);
  return dismiss;
}
