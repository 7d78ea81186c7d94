// Sign-in, as the server offers it (GET api/auth/config): at the organisation's identity provider
// (OpenID Connect, see oidc.js), by user name where dev login is on, or with a bearer token pasted
// from elsewhere. A server too old to say falls back to trying the dev login (404 where it is off).

import { $ } from './dom.js';

const DEV_LOGIN_OFF = 'notebookchat.dev-login-off';

/**
 * @param {object} deps
 * @param {ReturnType<import('./api.js').createApi>} deps.api
 * @param {() => Promise<void>} deps.onSignedIn called once a token is stored
 * @param {() => {dev_login: boolean, oidc: object|null} | null} deps.config what the server offers, once known
 * @param {() => Promise<void>} deps.onOidc starts the sign-in at the identity provider
 */
export function createSignIn({ api, onSignedIn, config = () => null, onOidc = async () => {} }) {
  const view = $('signin');
  const message = $('signin-message');
  const oidcBlock = $('oidc-signin');
  const oidcSubmit = $('oidc-submit');
  const devForm = $('dev-login-form');
  const tokenForm = $('token-form');
  const username = $('login-username');
  const tokenInput = $('token-input');
  const devSubmit = $('login-submit');
  const tokenSubmit = $('token-submit');
  const tokenIntro = $('token-intro');
  const useToken = $('use-token');

  function showMessage(text, kind = 'error') {
    message.textContent = text;
    message.dataset.kind = kind;
    message.hidden = !text;
  }

  function devLoginOffered() {
    const offered = config();
    return offered ? offered.dev_login === true : !sessionStorage.getItem(DEV_LOGIN_OFF);
  }

  function showTokenForm(reason) {
    devForm.hidden = true;
    useToken.hidden = true;
    tokenForm.hidden = false;
    tokenIntro.textContent =
      reason === 'dev-login-off'
        ? 'Dev login is off on this server. Paste a bearer token from your organisation’s sign-in.'
        : 'Paste a bearer token from your organisation’s sign-in.';
    $('use-dev-login').hidden = !devLoginOffered();
    if (!config()?.oidc) tokenInput.focus();
  }

  function showDevForm(focus = true) {
    tokenForm.hidden = true;
    devForm.hidden = false;
    useToken.hidden = false;
    if (focus) username.focus();
  }

  oidcSubmit.addEventListener('click', async () => {
    oidcSubmit.disabled = true;
    showMessage('');
    try {
      await onOidc(); // leaves the page for the provider's
    } catch (error) {
      showMessage(error.message);
      oidcSubmit.disabled = false;
    }
  });

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

  useToken.addEventListener('click', () => showTokenForm('chosen'));
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
      const offered = config();
      oidcBlock.hidden = !offered?.oidc;
      oidcSubmit.disabled = false;
      if (devLoginOffered()) {
        showDevForm(!offered?.oidc);
      } else if (offered?.oidc) {
        devForm.hidden = true;
        tokenForm.hidden = true;
        useToken.hidden = false; // pasting a token stays one click away
      } else {
        showTokenForm('dev-login-off');
      }
      if (offered?.oidc) oidcSubmit.focus();
    },
    hide() {
      view.hidden = true;
      showMessage('');
      tokenInput.value = '';
    },
  };

}
