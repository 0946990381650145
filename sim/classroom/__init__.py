"""Play the coalition (``coalition classroom``): a class plays the organizations, the model the rest.

* :mod:`sim.classroom.seats` -- who can be played, what each is asked, a team's answers as choices;
* :mod:`sim.classroom.briefing`, :mod:`~sim.classroom.inclination` -- what a seat sees, and what
  its organization would decide on its own;
* :mod:`sim.classroom.rounds` -- a round played, and what every page shows of the next;
* :mod:`sim.classroom.room` -- the class: players, seats, rounds, the teacher's controls;
* :mod:`sim.classroom.debrief` -- the class's run beside the model's own and one with no leader;
* :mod:`sim.classroom.protocol`, :mod:`~sim.classroom.handlers`, :mod:`~sim.classroom.states`,
  :mod:`~sim.classroom.server` -- the JSON messages, the web server and the two pages (``static/``).
"""
