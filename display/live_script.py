"""The small script of the ticket page: live updates by Server-Sent Events, and the "your turn" alert.

Without JavaScript the page still refreshes itself (a ``<noscript>`` meta refresh). With it,
``EventSource`` follows ``/t/{token}/events`` (display.http_front), swaps the page's live part
for the HTML the server rendered once for every phone watching that ticket, and, when the
ticket is called, shows the full-screen card, vibrates, flashes the title and plays a short
chime. Browsers only let a page make sound after a tap, so the page asks for one tap, once.
The chime is synthesised (WebAudio): nothing to download.
"""

from __future__ import annotations

SCRIPT = """
(function(){
var live=document.getElementById('live'),card=document.getElementById('callcard'),
 tap=document.getElementById('tap'),ctx=null,flash=null,seen=live.getAttribute('data-alert')||'',
 title=document.title;
function chime(){if(!ctx)return;[880,660].forEach(function(f,i){var o=ctx.createOscillator(),g=ctx.createGain();
 o.frequency.value=f;o.connect(g);g.connect(ctx.destination);var t=ctx.currentTime+i*0.35;
 g.gain.setValueAtTime(0.0001,t);g.gain.exponentialRampToValueAtTime(0.5,t+0.03);
 g.gain.exponentialRampToValueAtTime(0.0001,t+0.3);o.start(t);o.stop(t+0.32);});}
function stopFlash(){if(flash){clearInterval(flash);flash=null;document.title=title;}}
function alertMe(text){card.firstChild.textContent=text;card.hidden=false;
 if(navigator.vibrate)navigator.vibrate([400,200,400,200,400]);chime();stopFlash();var on=false;
 flash=setInterval(function(){on=!on;document.title=on?'\\u2757 '+text:title;},700);}
card.onclick=function(){card.hidden=true;stopFlash();};
if(tap)tap.onclick=function(){try{ctx=new (window.AudioContext||window.webkitAudioContext)();ctx.resume();
 chime();}catch(e){}tap.hidden=true;};
if(!window.EventSource)return;
var es=new EventSource(live.getAttribute('data-events'));
// Refused (busy, 429/503) or gone for good: fall back to what a page without JavaScript does.
es.onerror=function(){if(es.readyState===2)setTimeout(function(){location.reload();},15000);};
es.onmessage=function(m){var d=JSON.parse(m.data);live.innerHTML=d.html;title=d.title;
 if(d.alert&&d.alert!==seen){seen=d.alert;alertMe(d.card);}else if(!d.alert){seen='';card.hidden=true;stopFlash();
 document.title=title;}};
})();
"""
