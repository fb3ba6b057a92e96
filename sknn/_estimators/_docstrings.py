"""Docstring text the two estimators share, written once."""

PARAMETERS = """\
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element represents the number of neurons in the ith hidden layer.

    activation : str or list of str, default='relu'
        Activation function of the hidden layers, or one per hidden layer:
        'identity' f(x) = x, 'logistic' f(x) = 1 / (1 + exp(-x)),
        'tanh' f(x) = tanh(x), 'relu' f(x) = max(0, x), 'leaky_relu'
        (slope 0.01 below 0), 'elu' (exp(x) - 1 below 0), 'gelu' (tanh
        form) and 'softplus' f(x) = log(1 + exp(x)).

    solver : {'lbfgs', 'sgd', 'adam', 'rmsprop', 'adamw'}, default='adam'
        The weight optimizer: 'lbfgs' (quasi-Newton, full batch; good on small
        data sets), 'sgd' (stochastic gradient descent with momentum),
        'adam' (Kingma and Ba's stochastic optimizer; good on large data),
        'rmsprop' (gradient scaled by a running RMS, decay ``rho``) or
        'adamw' (Adam with decoupled weight decay ``alpha``).

    alpha : float, default=0.0001
        Strength of the L2 regularization term, divided by the sample size
        (the sum of the sample weights) when added to the loss. With
        'adamw' it is the decoupled weight decay instead: the weights
        shrink by ``learning_rate_init * alpha`` each step.

    batch_size : int, default='auto'
        Size of minibatches for stochastic optimizers; 'auto' is
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning rate schedule of the stochastic solvers. 'constant' keeps
        ``learning_rate_init``; 'invscaling' decays it after every epoch as
        ``learning_rate_init / (t + 1) ** power_t``, ``t`` the samples seen so
        far; 'adaptive' keeps it constant while the training loss (or the
        validation score, with early stopping) keeps improving, and divides it
        by 5 each time it does not improve by ``tol`` for ``n_iter_no_change``
        consecutive epochs. Unlike scikit-learn, 'adaptive' applies to every
        stochastic solver.

    learning_rate_init : float, default=0.001
        The initial learning rate ('sgd' and 'adam').

    power_t : float, default=0.5
        The exponent of inverse scaling ('sgd' with 'invscaling').

    max_iter : int, default=200
        Maximum number of iterations: epochs for 'sgd' and 'adam', iterations
        for 'lbfgs'.

    shuffle : bool, default=True
        Whether to shuffle the samples in each epoch ('sgd' and 'adam').

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the validation split and the shuffling;
        an int gives reproducible fits, the same as scikit-learn's.

    tol : float, default=1e-4
        Tolerance for the optimization: training stops when the loss (or the
        validation score) does not improve by at least ``tol`` for
        ``n_iter_no_change`` consecutive epochs; for 'lbfgs' the projected
        gradient tolerance.

    verbose : bool, default=False
        Whether to print progress messages.

    warm_start : bool, default=False
        Reuse the previous fit's weights as the initialisation.

    momentum : float, default=0.9
        Momentum for gradient descent updates, in [0, 1] ('sgd').

    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum ('sgd' with momentum > 0).

    early_stopping : bool, default=False
        Set aside ``validation_fraction`` of the training data (stratified for
        classification) and stop when the validation score does not improve by
        ``tol`` for ``n_iter_no_change`` epochs; the best weights are restored.
        ``partial_fit`` trains on its batch without a split, and data too small
        for a validation set of 2 samples trains without one (with a warning).

    validation_fraction : float, default=0.1
        Proportion of training data set aside for early stopping, in [0, 1).

    beta_1 : float, default=0.9
        Decay rate of the first-moment estimates of 'adam', in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of the second-moment estimates of 'adam', in [0, 1).

    epsilon : float, default=1e-8
        Value for numerical stability in 'adam'.

    n_iter_no_change : int, default=10
        Number of epochs without ``tol`` improvement before a plateau is
        declared ('sgd' and 'adam').

    max_fun : int, default=15000
        Maximum number of loss function calls ('lbfgs').

    rho : float, default=0.9
        Decay of the running average of squared gradients ('rmsprop').

    init : {'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal'}, \
            default='glorot_uniform'
        Initial weights: 'glorot_uniform' is scikit-learn's scheme, drawn
        exactly as scikit-learn draws it; the others follow Keras (He for
        ReLU-like activations) and start the biases at 0.

    scoring : str, callable or None, default=None
        What early stopping maximises on the validation set: None, the
        estimator's ``score`` (accuracy or R²); 'loss', minus the validation
        loss; or any scikit-learn scorer name or callable (it must return a
        number; a NaN score before any epoch had a number is a ValueError).

    dropout : float or list of float, default=0.0
        Fraction of each hidden layer's units zeroed at random in every
        training batch (inverted dropout; one rate per hidden layer, or one
        for all). Predictions are deterministic; the random numbers come
        from ``random_state``. Needs a stochastic solver.

    dtype : {'float32', 'float64'} or None, default=None
        The float type of the computation. None follows the input, as
        scikit-learn does (float32 data trains in float32, anything else in
        float64); 'float32' converts float64 data once and trains and
        predicts in float32, which is about twice as fast on a CPU.

    device : {'cpu', 'cuda', 'cuda:N'} or None, default=None
        Where fitting and prediction run. None follows the data: CuPy arrays
        run on their GPU (so do other array-API arrays under
        ``sklearn.set_config(array_api_dispatch=True)``), everything else on
        the CPU. 'cuda' (GPU 0) or 'cuda:N' moves NumPy, pandas or sparse
        input to the GPU once and trains there with CuPy (install
        ``sknn[cuda12]`` or ``sknn[cuda13]``); predictions come back as
        NumPy for NumPy input and as CuPy for CuPy input. 'cpu' always runs
        NumPy. A pickled GPU model holds NumPy arrays and loads anywhere.
"""

ATTRIBUTES = """\
    loss_ : float
        The current loss computed with the loss function.

    best_loss_ : float or None
        The minimum loss reached by the solver throughout fitting; None when
        early stopping watches the validation score instead.

    loss_curve_ : list of shape (``n_iter_``,)
        The loss at the end of each training step (each epoch; each iteration
        for 'lbfgs').

    validation_scores_ : list of shape (``n_iter_``,) or None
        The validation score at each epoch, when early stopping is on.

    best_validation_score_ : float or None
        The best validation score, when early stopping is on.

    validation_loss_curve_ : list of shape (``n_iter_``,) or None
        The validation loss (without the L2 term) at each epoch, whenever
        there is a validation set.

    t_ : int
        The number of training samples seen by the solver during fitting.

    coefs_ : list of shape (n_layers - 1,)
        The ith element is the weight matrix of layer i, shape
        (units of layer i, units of layer i + 1).

    intercepts_ : list of shape (n_layers - 1,)
        The ith element is the bias vector of layer i + 1.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit, when X has string feature names.

    n_iter_ : int
        The number of iterations the solver has run.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Name of the output activation function.
"""
