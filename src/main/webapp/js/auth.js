// Sign-in: dev login by username where the server offers it (it answers 404 where it does
// not), otherwise a bearer token pasted from the organisation's identity provider.

import { $ } from './dom.js';

const DEV_LOGIN_OFF = 'notebookchat.dev-login-off';

/**
 * @param {object} deps
 * @param {ReturnType<import('./api.js').createApi>} deps.api
 * @param {() => Promise<void>} deps.onSignedIn called once a token is stored
 */
export function createSignIn({ api, onSignedIn }) {
  const view = $('signin');
  const message = $('signin-message');
  const devForm = $('dev-login-form');
  const tokenForm = $('token-form');
  const username = $('login-username');
  const tokenInput = $('token-input');
  const devSubmit = $('login-submit');
  const tokenSubmit = $('token-submit');
  const tokenIntro = $('token-intro');

  function showMessage(text, kind = 'error') {
    message.textContent = text;
    message.dataset.kind = kind;
    message.hidden = !text;
  }

  function showTokenForm(reason) {
    devForm.hidden = true;
    tokenForm.hidden = false;
    tokenIntro.textContent =
      reason === 'dev-login-off'
        ? 'Dev login is off on this server. Paste a bearer token from your organisation’s sign-in.'
        : 'Paste a bearer token from your organisation’s sign-in.';
    tokenInput.focus();
  }

  function showDevForm() {
    tokenForm.hidden = true;
    devForm.hidden = false;
    username.focus();
  }

  devForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = username.value.trim();
    if (!name) {
      showMessage('Enter a username.');
      username.focus();
      return;
    }
    devSubmit.disabled = true;
    showMessage('');
    try {
      const answer = await api.devToken(name);
      api.token.set(answer.token);
      await onSignedIn();
    } catch (error) {
      if (error.status === 404) {
        sessionStorage.setItem(DEV_LOGIN_OFF, 'true');
        showTokenForm('dev-login-off');
      } else {
        showMessage(error.message);
      }
    } finally {
      devSubmit.disabled = false;
    }
  });

  tokenForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = tokenInput.value.trim().replace(/^Bearer\s+/i, '');
    if (!value) {
      showMessage('Paste a token.');
      tokenInput.focus();
      return;
    }
    tokenSubmit.disabled = true;
    showMessage('');
    api.token.set(value);
    try {
      await onSignedIn(); // the first API call tells whether the server accepts the token
    } finally {
      tokenSubmit.disabled = false;
    }
  });

  $('use-token').addEventListener('click', () => showTokenForm('chosen'));
  $('use-dev-login').addEventListener('click', () => {
    showMessage('');
    showDevForm();
  });

  return {
    /** Shows the sign-in page, with a message when the user was sent back to it. */
    show(text = '', kind = 'error') {
      view.hidden = false;
      tokenInput.value = '';
      showMessage(text, kind);
      if (sessionStorage.getItem(DEV_LOGIN_OFF)) showTokenForm('dev-login-off');
      else showDevForm();
    },
    hide() {
      view.hidden = true;
      showMessage('');
      tokenInput.value = '';
    },
  };
}
