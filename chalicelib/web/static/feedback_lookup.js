/* /phan-anh/tra-cuu: the sender follows one feedback and rates its answer. The id comes from the
   message's link; the phone is typed and sent by script to the JSON API (never in the page's
   URL); a signed-in sender is known by the session cookie (and the CSRF token on the rating). */
(function () {
  'use strict';
  var h = DVC.h;
  var form = document.getElementById('feedback-lookup');
  var view = document.getElementById('feedback-view');
  if (!form || !view) return;
  var message = document.getElementById('lookup-message');
  var summary = document.getElementById('error-summary');
  var code = document.getElementById('f-code');
  var phone = document.getElementById('f-phone');
  var signedIn = form.hasAttribute('data-signed-in');
  var PHONE = /^(0|\+84)[0-9]{9}$/;
  var TONE = { answered: 'good', published: 'good', closed: 'good', forwarded: 'warn', not_accepted: 'bad' };
  var NOT_MINE = 'Không tìm thấy phản ánh này trong các phản ánh bạn gửi khi đã đăng nhập. Nếu bạn gửi khi chưa đăng nhập, hãy nhập số điện thoại đã khai rồi bấm "Xem phản ánh".';
  var PUBLIC_ONLY = 'Bạn đang xem phần đã công khai. Nếu bạn là người gửi, hãy nhập số điện thoại đã khai để xem đầy đủ và đánh giá câu trả lời.';

  function path(id, suffix) { return '/v1/feedback/' + encodeURIComponent(id) + (suffix || ''); }
  function fact(label, value) { return h('div', {}, h('dt', { text: label }), h('dd', {}, value)); }
  function satisfaction(value) { return value ? 'Hài lòng' : 'Chưa hài lòng'; }

  function render(f, ctx) {
    view.textContent = '';
    var sender = 'can_rate' in f; /* only the sender's view says whether it can be rated */
    DVC.add(view,
      h('h2', { id: 'feedback-title', tabindex: '-1' }, 'Phản ánh ', h('span', { class: 'dossier-code-inline', text: f.id })),
      h('p', {}, 'Tình trạng: ', h('span', { class: 'status ' + (TONE[f.status] || ''), 'data-status': f.status, text: f.status_label })),
      h('dl', { class: 'facts' },
        fact('Tiêu đề', f.title),
        fact('Lĩnh vực', f.category.label),
        fact('Cơ quan giải quyết', f.agency.name || f.agency.id),
        fact('Ngày gửi', DVC.fmt.datetime(f.received_at)),
        sender && !f.answer && f.due_at ? fact('Hạn trả lời', DVC.fmt.datetime(f.due_at)) : null,
        f.forwarded_to ? fact('Đã chuyển đến', f.forwarded_to.agency) : null),
      h('h3', { text: 'Nội dung' }),
      h('p', { class: 'feedback-content', text: f.content }),
      answer(f),
      sender ? rating(f, ctx) : h('p', { class: 'help', text: PUBLIC_ONLY }),
      sender && f.history.length ? history(f.history) : null);
  }

  function answer(f) {
    if (!f.answer) {
      return h('div', { class: 'notice' }, h('p', { text: 'Phản ánh chưa có câu trả lời. Bạn sẽ nhận được tin nhắn khi cơ quan trả lời.' }));
    }
    return h('section', { class: 'notice ok', 'aria-labelledby': 'answer-title' },
      h('h3', { id: 'answer-title', text: 'Trả lời của ' + (f.answer.agency.name || 'cơ quan') }),
      h('p', { class: 'meta', text: 'Ngày trả lời: ' + DVC.fmt.datetime(f.answer.answered_at) }),
      h('p', { class: 'feedback-answer', text: f.answer.text }));
  }

  function history(steps) {
    return h('section', { 'aria-labelledby': 'history-title' },
      h('h3', { id: 'history-title', text: 'Quá trình xử lý' }),
      h('ol', { class: 'timeline' }, steps.map(function (step) {
        return h('li', {},
          h('time', { datetime: step.at, text: DVC.fmt.datetime(step.at) }),
          h('strong', { text: step.label }),
          step.note ? h('p', { class: 'help', text: step.note }) : null);
      })));
  }

  function rating(f, ctx) {
    if (f.rating) {
      return h('p', { class: 'notice', id: 'rating-done' },
        'Bạn đã đánh giá câu trả lời: ', h('strong', { text: satisfaction(f.rating.satisfied) }),
        ' (' + DVC.fmt.datetime(f.rating.at) + ').');
    }
    if (!f.can_rate) return null;
    var box = h('form', { class: 'panel', novalidate: true, id: 'rating-form', 'aria-labelledby': 'rating-title' },
      h('h3', { id: 'rating-title', text: 'Đánh giá câu trả lời' }),
      h('p', { class: 'help', text: 'Bạn chỉ đánh giá được một lần. Ý kiến của bạn giúp cơ quan trả lời tốt hơn.' }),
      h('fieldset', { class: 'choice', id: 'f-satisfied', 'data-path': 'satisfied', 'aria-describedby': 'f-satisfied-error' },
        h('legend', { text: 'Bạn có hài lòng với câu trả lời không?' }),
        h('p', { class: 'field-error', id: 'f-satisfied-error', hidden: true }),
        [['true', 'Hài lòng'], ['false', 'Chưa hài lòng']].map(function (choice, i) {
          return h('div', { class: 'check' },
            h('input', { type: 'radio', name: 'satisfied', id: 'f-satisfied-' + i, value: choice[0] }),
            h('label', { for: 'f-satisfied-' + i, text: choice[1] }));
        })),
      h('div', { class: 'field' },
        h('label', { for: 'f-rating-comment' }, 'Ý kiến của bạn ', h('span', { class: 'optional', text: '(không bắt buộc)' })),
        h('textarea', { id: 'f-rating-comment', rows: '3', maxlength: '1000' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Gửi đánh giá' })),
      h('div', { id: 'rating-message', role: 'alert', hidden: true }));
    box.addEventListener('submit', async function (e) {
      e.preventDefault();
      DVC.clearErrors(box);
      var out = document.getElementById('rating-message');
      var picked = box.querySelector('input[name=satisfied]:checked');
      if (!picked) {
        DVC.fieldError(document.getElementById('f-satisfied'), 'Vui lòng chọn Hài lòng hoặc Chưa hài lòng');
        DVC.say(out, 'Vui lòng chọn mức độ hài lòng.', 'error');
        return DVC.focusable(document.getElementById('f-satisfied')).focus();
      }
      var body = { satisfied: picked.value === 'true' };
      var comment = document.getElementById('f-rating-comment').value.trim();
      if (comment) body.comment = comment;
      if (ctx.phone) body.phone = ctx.phone;
      var button = box.querySelector('button[type=submit]');
      button.disabled = true;
      var answer = await DVC.api('POST', path(f.id, '/rating'), { body: body });
      button.disabled = false;
      if (answer.status !== 200) return DVC.say(out, DVC.message(answer.data), 'error');
      render(answer.data, ctx);
      DVC.say(message, 'Cảm ơn bạn đã đánh giá. Ý kiến của bạn đã được ghi nhận.', 'ok');
      message.setAttribute('tabindex', '-1');
      message.focus();
    });
    return box;
  }

  async function load(id, ctx, announce) {
    var query = ctx.phone ? '?phone=' + encodeURIComponent(ctx.phone) : '';
    var answer = await DVC.api('GET', path(id) + query);
    view.textContent = '';
    if (answer.status === 404 && !ctx.phone) return DVC.say(message, NOT_MINE, 'warn');
    if (answer.status !== 200) return DVC.say(message, DVC.message(answer.data), 'error');
    DVC.say(message, '');
    render(answer.data, ctx);
    if (announce) document.getElementById('feedback-title').focus();
  }

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    DVC.clearErrors(form);
    summary.hidden = true;
    var items = [];
    code.value = code.value.trim().toUpperCase();
    phone.value = phone.value.replace(/[\s.]/g, '');
    if (!code.value) items.push({ id: DVC.fieldError(code, 'Mã phản ánh: bắt buộc phải nhập'), message: 'Mã phản ánh: bắt buộc phải nhập' });
    if ((phone.value || !signedIn) && !PHONE.test(phone.value)) {
      var m = 'Số điện thoại: phải gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84)';
      items.push({ id: DVC.fieldError(phone, m), message: m });
    }
    if (items.length) return DVC.summary(summary, items);
    var button = form.querySelector('button[type=submit]');
    button.disabled = true;
    await load(code.value, { phone: phone.value }, true);
    button.disabled = false;
  });

  /* A signed-in sender opening the message's link sees their feedback at once. */
  if (signedIn && code.value) load(code.value, {}, false);
})();
