// The user's own provider keys. A key goes to the server once and is never shown again:
// the page only ever shows the server's key_hint (its last characters).

import { $, h, formatDateTime } from './dom.js';
import { toast, announce } from './toast.js';

const NO_KEY_NEEDED = new Set(['local', 'ollama']);

/**
 * @param {object} deps
 * @param {ReturnType<import('./api.js').createApi>} deps.api
 * @param {(error: Error) => void} deps.onError
 * @param {() => Promise<void>} deps.onKeysChanged refreshes what depends on keys (the model picker)
 */
export function createSettings({ api, onError, onKeysChanged }) {
  const dialog = $('settings');
  const list = $('provider-keys');

  $('settings-close').addEventListener('click', () => dialog.close());
  $('open-settings').addEventListener('click', async () => {
    list.replaceChildren(h('li', { class: 'muted', text: 'Loading…' }));
    dialog.showModal();
    await render();
  });

  async function render() {
    let providers = [];
    let credentials = [];
    try {
      [providers, credentials] = await Promise.all([api.providers(), api.credentials()]);
    } catch (error) {
      if (error.status === 401) {
        dialog.close();
        return;
      }
      list.replaceChildren(h('li', { class: 'muted', text: error.message }));
      return;
    }
    const saved = new Map(credentials.map((c) => [c.provider, c]));
    list.replaceChildren(...providers.map((provider) => row(provider, saved.get(provider.name))));
  }

  function row(provider, credential) {
    const name = provider.display_name || provider.name;
    const inputId = `key-${provider.name}`;
    let status;
    if (credential) {
      status = `Your key ending in ${credential.key_hint}` + (credential.created ? `, saved ${formatDateTime(credential.created)}` : '');
    } else if (NO_KEY_NEEDED.has(provider.name)) {
      status = 'No key needed';
    } else if (provider.available) {
      status = 'Uses the server’s key';
    } else {
      status = 'No key: add yours to use it';
    }

    const children = [
      h(
        'div',
        { class: 'provider-head' },
        h('span', { class: 'provider-name', text: name }),
        h('span', {
          class: provider.available ? 'badge badge--ok' : 'badge badge--missing',
          text: provider.available ? 'Available' : 'Not available',
        }),
      ),
      h('p', { class: 'provider-status', 'data-testid': 'key-hint', text: status }),
    ];

    if (!NO_KEY_NEEDED.has(provider.name)) {
      const field = h('input', {
        id: inputId,
        type: 'password',
        autocomplete: 'off',
        spellcheck: 'false',
        'data-testid': `key-input-${provider.name}`,
        placeholder: credential ? 'Replace the key' : 'Paste an API key',
      });
      const form = h(
        'form',
        { class: 'key-form' },
        h('label', { for: inputId, class: 'visually-hidden', text: `API key for ${name}` }),
        field,
        h('button', { type: 'submit', class: 'small primary', text: 'Save', 'data-testid': `key-save-${provider.name}` }),
        credential
          ? h('button', {
              type: 'button',
              class: 'small danger',
              text: 'Remove',
              'aria-label': `Remove your ${name} key`,
              'data-testid': `key-remove-${provider.name}`,
              onclick: () => removeKey(provider, name),
            })
          : null,
      );
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const key = field.value.trim();
        field.value = ''; // the key leaves the page's memory as soon as it is sent
        if (!key) {
          field.focus();
          return;
        }
        try {
          const answer = await api.saveCredential(provider.name, key);
          announce(`Saved your ${name} key (ending in ${answer.key_hint}).`);
        } catch (error) {
          onError(error);
        }
        await afterChange(provider.name);
      });
      children.push(form);
    }
    return h('li', { class: 'provider', 'data-provider': provider.name }, children);
  }

  async function removeKey(provider, name) {
    if (!window.confirm(`Remove your ${name} key?`)) return;
    try {
      await api.deleteCredential(provider.name);
      announce(`Removed your ${name} key.`);
    } catch (error) {
      if (error.status !== 404) onError(error);
    }
    await afterChange(provider.name);
  }

  async function afterChange(providerName) {
    await render();
    list.querySelector(`[data-provider="${CSS.escape(providerName)}"] input`)?.focus();
    await onKeysChanged();
  }

  return { close: () => dialog.open && dialog.close() };
}
