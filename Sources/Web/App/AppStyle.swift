/// The web app's one stylesheet, served by pals itself (nothing fetched from elsewhere; no inline styles, so the
/// Content-Security-Policy can forbid them). Modelled on the GOV.UK Design System's look: black text, a yellow
/// focus ring, clear error red, tags with words as well as colours. Contrast is at least 4.5:1 throughout.
package enum AppStyle {
    package static let css = """
        *, *::before, *::after { box-sizing: border-box; }
        html { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 100%; line-height: 1.4; color: #0b0c0c;
          background: #f3f2f1; }
        body { margin: 0; background: #ffffff; }
        a { color: #1d70b8; text-decoration: underline; text-underline-offset: 0.15em; }
        a:visited { color: #4c2c92; }
        a:hover { color: #003078; }
        a:focus, button:focus, input:focus, select:focus, textarea:focus {
          outline: 3px solid #ffdd00; outline-offset: 0; background-color: #ffdd00; color: #0b0c0c;
          box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; text-decoration: none; }
        input:focus, select:focus, textarea:focus { background-color: #ffffff; box-shadow: inset 0 0 0 2px #0b0c0c; }
        .skip-link { position: absolute; left: -9999px; top: 0; padding: 10px 15px; background: #ffdd00;
          color: #0b0c0c; }
        .skip-link:focus { left: 0; z-index: 10; }
        .visually-hidden { position: absolute !important; width: 1px !important; height: 1px !important;
          margin: 0 !important; padding: 0 !important; overflow: hidden !important; clip: rect(0 0 0 0) !important;
          clip-path: inset(50%) !important; border: 0 !important; white-space: nowrap !important; }
        .app-width { max-width: 1020px; margin: 0 auto; padding: 0 15px; }
        .app-header { background: #0b0c0c; color: #ffffff; padding: 10px 0; border-bottom: 10px solid #1d70b8; }
        .app-header .app-width { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 30px; }
        .app-header a { color: #ffffff; }
        .app-header a:focus { color: #0b0c0c; }
        .app-header__name { font-weight: 700; font-size: 1.5rem; text-decoration: none; }
        .app-nav { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 5px 20px; }
        .app-nav a { font-weight: 700; display: inline-block; padding: 4px 0; min-height: 24px; }
        .app-nav a[aria-current="page"] { text-decoration-thickness: 3px; }
        .app-header__account { margin: 0 0 0 auto; display: flex; align-items: center; gap: 10px; }
        .app-main { display: block; padding: 30px 0 60px; }
        .heading-l { font-size: 2.25rem; margin: 0 0 30px; }
        .heading-m { font-size: 1.5rem; margin: 40px 0 15px; }
        .caption { display: block; color: #505a5f; font-size: 1.2rem; margin-bottom: 5px; }
        .body { margin: 0 0 20px; }
        .list { margin: 0 0 20px; padding-left: 20px; }
        .button { display: inline-block; min-height: 40px; padding: 8px 12px 7px; margin: 0 0 22px;
          font: inherit; font-weight: 400; line-height: 1.2; color: #ffffff; background: #00703c; border: 2px solid
          transparent; border-radius: 0; box-shadow: 0 2px 0 #002d18; cursor: pointer; text-decoration: none; }
        a.button, a.button:visited { color: #ffffff; }
        .button:hover { background: #005a30; }
        .button:focus, a.button:focus { border-color: #ffdd00; color: #0b0c0c; background: #ffdd00;
          box-shadow: 0 2px 0 #0b0c0c; }
        .button--secondary { background: #f3f2f1; color: #0b0c0c; box-shadow: 0 2px 0 #929191; }
        .button--secondary:hover { background: #dbdad9; }
        .button--warning { background: #d4351c; box-shadow: 0 2px 0 #55150b; }
        .app-header .button--secondary { margin: 0; }
        .form-group { margin-bottom: 30px; }
        .form-group--error { border-left: 5px solid #d4351c; padding-left: 15px; }
        .label, .fieldset__legend { display: block; font-weight: 700; margin-bottom: 5px; }
        .fieldset { margin: 0; padding: 0; border: 0; }
        .hint { color: #505a5f; margin-bottom: 10px; }
        .error-message { color: #d4351c; font-weight: 700; margin: 0 0 10px; }
        .input, .select, .textarea { display: block; width: 100%; max-width: 40em; min-height: 40px; padding: 5px;
          font: inherit; border: 2px solid #0b0c0c; border-radius: 0; background: #ffffff; color: #0b0c0c; }
        .input--20 { max-width: 20em; }
        .input--error { border-color: #d4351c; }
        .radios__item { display: flex; align-items: center; gap: 10px; margin-bottom: 10px; min-height: 40px; }
        .radios__input { width: 32px; height: 32px; margin: 0; accent-color: #0b0c0c; }
        .error-summary { border: 5px solid #d4351c; padding: 20px; margin-bottom: 30px; }
        .error-summary:focus { outline: 3px solid #ffdd00; }
        .error-summary__title { margin: 0 0 15px; font-size: 1.5rem; }
        .error-summary__list { margin: 0; padding-left: 0; list-style: none; }
        .error-summary__list a { color: #d4351c; font-weight: 700; }
        .error-summary__list li { margin-bottom: 10px; }
        .error-summary__list a, .list a { display: inline-block; min-height: 24px; min-width: 24px; }
        .error-summary__list a:focus { color: #0b0c0c; }
        .notice { border-left: 10px solid #00703c; background: #f3f2f1; padding: 15px 20px; margin-bottom: 30px; }
        .notice p { margin: 0; font-weight: 700; }
        .table { width: 100%; border-collapse: collapse; margin-bottom: 30px; }
        .table__caption { text-align: left; font-weight: 700; font-size: 1.2rem; margin-bottom: 10px; }
        .table__header, .table__cell { text-align: left; padding: 10px 20px 10px 0; border-bottom: 1px solid #b1b4b6;
          vertical-align: top; }
        .table__header { font-weight: 700; }
        .table__header--numeric, .table__cell--numeric { text-align: right; }
        .table form { margin: 0; display: inline; }
        .table .button { margin: 0 5px 5px 0; }
        .tag { display: inline-block; padding: 2px 8px; font-weight: 700; }
        .tag--red { background: #f6d7d2; color: #2a0b06; }
        .tag--amber { background: #fcd6c3; color: #6e3619; }
        .tag--green { background: #cce2d8; color: #005a30; }
        .summary-list { margin: 0 0 30px; }
        .summary-list__row { display: flex; flex-wrap: wrap; border-bottom: 1px solid #b1b4b6; padding: 10px 0; }
        .summary-list__key { font-weight: 700; width: 30%; min-width: 12em; margin: 0; }
        .summary-list__value { margin: 0; flex: 1; white-space: pre-wrap; }
        .timeline { list-style: none; padding: 0; margin: 0 0 30px; }
        .timeline__item { border-left: 3px solid #1d70b8; padding: 5px 0 10px 15px; }
        .timeline__date { display: block; color: #505a5f; }
        .filter { display: flex; flex-wrap: wrap; gap: 0 15px; align-items: flex-end; }
        .filter .form-group { margin-bottom: 22px; }
        .letter-preview { width: 100%; height: 700px; border: 2px solid #b1b4b6; margin-bottom: 20px; }
        .heading-s { font-size: 1.2rem; margin: 20px 0 10px; }
        .correspondence { border-left: 5px solid #b1b4b6; padding: 0 0 10px 15px; margin: 0 0 30px; }
        .correspondence__text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 20px; }

        """
}
